"""``observed_at`` over the REST API: an older count is 409 naming the field, a stale import row
is skipped and listed while the others apply."""

from __future__ import annotations

from datetime import timedelta

from api_books import T0


def _on_hand(client, as_role) -> int:
    shown = client.get("/api/v1/stock/A1", headers=as_role("viewer")).json()
    return int(shown["on_hand"])


def test_an_older_count_is_409_naming_observed_at(client, as_role) -> None:
    op = as_role("operator")
    older = (T0 - timedelta(minutes=5)).isoformat()
    answer = client.put("/api/v1/stock/A1", json={"quantity": 1, "observed_at": older}, headers=op)
    assert answer.status_code == 409, answer.text
    assert {e["field"] for e in answer.json()["errors"]} == {"observed_at"}
    assert _on_hand(client, as_role) == 10
    naive = {"quantity": 1, "observed_at": "2026-03-02T09:00:00"}
    assert client.put("/api/v1/stock/A1", json=naive, headers=op).status_code == 422
    same = {"quantity": 4, "observed_at": T0.isoformat()}
    assert client.put("/api/v1/stock/A1", json=same, headers=op).json()["applied"] is True
    assert _on_hand(client, as_role) == 4


def test_a_stale_import_row_is_skipped_and_listed(client, as_role) -> None:
    op = as_role("operator")
    body = {
        "csv": "sku,warehouse,on_hand\nA1,main,3\n",
        "observed_at": (T0 - timedelta(hours=1)).isoformat(),
    }
    answer = client.post("/api/v1/stock/import", json=body, headers=op)
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert (summary["applied"], summary["stale"]) == (0, 1)
    assert summary["stale_rows"][0]["field"] == "observed_at"
    assert _on_hand(client, as_role) == 10
