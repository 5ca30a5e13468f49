"""``/api/v1/holds`` and ``/api/v1/incidents`` over the safety guard's services."""

from __future__ import annotations

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import IncidentKind, Occurrence, Severity
from omnistock.domain.safety import (
    ActiveListing,
    ProposedChange,
    guard_change_set,
    holds_from_verdict,
)
from omnistock.service.holds import safety_parts

PROBLEM = "application/problem+json"


def _hold(app) -> str:
    now = app.clock.now()
    proposed = [
        ProposedChange(
            channel=ChannelId("allegro"),
            offer_id=f"O{i}",
            sku=Sku("A1"),
            previous=20,
            quantity=0,
            observed_at=now,
        )
        for i in range(10)
    ]
    current = [ActiveListing(offer_id=f"O{i}", sku=Sku("A1"), quantity=20) for i in range(10)]
    verdict = guard_change_set(proposed, current, {})
    (hold,) = holds_from_verdict(verdict, ids=["h1"], channel=ChannelId("allegro"), now=now)
    safety_parts(app.engine, {}).safety.add_holds([hold])
    return hold.id


def _incident(app) -> str:
    occurrence = Occurrence(
        kind=IncidentKind.AUTH_FAILURE,
        severity=Severity.CRITICAL,
        subject="token",
        channel="allegro",
    )
    (incident,) = safety_parts(app.engine, {}).incidents.record([occurrence], now=app.clock.now())
    return incident.id


def test_holds_list_show_and_reject(client, seeded, as_role) -> None:
    hold_id = _hold(seeded)
    listed = client.get("/api/v1/holds", headers=as_role("viewer")).json()
    assert [(h["id"], h["status"], len(h["items"])) for h in listed] == [(hold_id, "pending", 10)]
    shown = client.get(f"/api/v1/holds/{hold_id}", headers=as_role("viewer")).json()
    assert (shown["channel"], shown["channels"]) == ("allegro", ["allegro"])
    assert {i["change"]["channel"] for i in shown["items"]} == {"allegro"}
    forbidden = client.post(f"/api/v1/holds/{hold_id}/reject", json={}, headers=as_role("viewer"))
    assert forbidden.status_code == 403
    done = client.post(
        f"/api/v1/holds/{hold_id}/reject", json={"note": "bad feed"}, headers=as_role("operator")
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["decided_by"]) == ("rejected", "api:test-operator")
    assert client.get("/api/v1/holds", headers=as_role("viewer")).json() == []
    assert len(client.get("/api/v1/holds?all=true", headers=as_role("viewer")).json()) == 1
    again = client.post(f"/api/v1/holds/{hold_id}/approve", json={}, headers=as_role("operator"))
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM


def test_unknown_hold_is_404(client, as_role) -> None:
    answer = client.post("/api/v1/holds/nope/approve", json={}, headers=as_role("operator"))
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["field"] == "id"


def test_incidents_ack_and_resolve(client, seeded, as_role) -> None:
    incident_id = _incident(seeded)
    listed = client.get("/api/v1/incidents", headers=as_role("viewer")).json()
    assert [(i["id"], i["state"]) for i in listed] == [(incident_id, "open")]
    assert (
        client.post(f"/api/v1/incidents/{incident_id}/ack", headers=as_role("viewer")).status_code
        == 403
    )
    acked = client.post(f"/api/v1/incidents/{incident_id}/ack", headers=as_role("operator"))
    assert acked.json()["state"] == "acknowledged"
    resolved = client.post(f"/api/v1/incidents/{incident_id}/resolve", headers=as_role("operator"))
    assert resolved.json()["state"] == "resolved"
    assert client.get("/api/v1/incidents", headers=as_role("viewer")).json() == []
    again = client.post(f"/api/v1/incidents/{incident_id}/resolve", headers=as_role("operator"))
    assert again.status_code == 409
    missing = client.post("/api/v1/incidents/nope/ack", headers=as_role("operator"))
    assert missing.status_code == 404


def test_incident_ids_with_slashes_work_in_paths(client, seeded, as_role) -> None:
    from urllib.parse import quote

    occurrence = Occurrence(
        kind=IncidentKind.INVOICE_REJECTED, severity=Severity.WARNING, subject="FV/2026/11/0001"
    )
    parts = safety_parts(seeded.engine, {})
    (incident,) = parts.incidents.record([occurrence], now=seeded.clock.now())
    assert "/" in incident.id
    acked = client.post(f"/api/v1/incidents/{incident.id}/ack", headers=as_role("operator"))
    assert acked.status_code == 200, acked.text
    assert (acked.json()["id"], acked.json()["state"]) == (incident.id, "acknowledged")
    encoded = quote(incident.id, safe="")  # %2F, as a careful client sends it
    resolved = client.post(f"/api/v1/incidents/{encoded}/resolve", headers=as_role("operator"))
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["state"] == "resolved"
    viewer = client.post(f"/api/v1/incidents/{incident.id}/ack", headers=as_role("viewer"))
    assert viewer.status_code == 403
