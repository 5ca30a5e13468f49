"""``/metrics`` (per-app registry, numbers read from the database), ``/healthz``, ``/readyz``."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import insert

from omnistock.entrypoints.api import create_app
from omnistock.sandbox.common.server import SandboxServer
from omnistock.store.sync_tables import sync_attempts, sync_incidents


def _sample(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return None


def test_metrics_need_a_token(client) -> None:
    assert client.get("/metrics").status_code == 401


def test_metrics_count_dirty_listings_calls_429s_and_incidents(client, seeded, as_role) -> None:
    now = seeded.clock.now()
    rows = [
        {
            "channel": "allegro",
            "started_at": now,
            "duration_ms": 5,
            "outcome": "ok",
            "http_status": 200,
        },
        {
            "channel": "allegro",
            "started_at": now,
            "duration_ms": 5,
            "outcome": "retryable",
            "http_status": 429,
        },
    ]
    with seeded.engine.begin() as conn:
        conn.execute(insert(sync_attempts), rows)
        conn.execute(
            insert(sync_incidents).values(
                channel="allegro", offer_id="offer-1", kind="dead", message="x", created_at=now
            )
        )
    text = client.get("/metrics", headers=as_role("viewer")).text
    assert _sample(text, "omnistock_listings_dirty", channel="allegro") == 1
    assert _sample(text, "omnistock_channel_api_calls_total", channel="allegro", outcome="ok") == 1
    assert _sample(text, "omnistock_channel_http_429_total", channel="allegro") == 1
    assert _sample(text, "omnistock_sync_incidents", channel="allegro") == 1
    assert _sample(text, "omnistock_orders", status="None") is None  # no orders yet: no rows
    requests = _sample(
        text, "omnistock_api_requests_total", method="GET", route="/metrics", status="401"
    )
    assert requests is None or requests >= 0


def test_api_requests_are_counted_per_app(client, seeded, as_role) -> None:
    client.get("/api/v1/products", headers=as_role("viewer"))
    client.get("/api/v1/products", headers=as_role("viewer"))
    text = client.get("/metrics", headers=as_role("viewer")).text
    count = _sample(
        text, "omnistock_api_requests_total", method="GET", route="/api/v1/products", status="200"
    )
    assert count == 2
    other = create_app(seeded).state.metrics.render().decode()
    assert "omnistock_api_requests_total{" not in other  # a second app starts from zero


def test_healthz_and_readyz(client, seeded) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready == {
        "status": "ok",
        "database": "ok",
        "worker": "unknown",
        "heartbeat": None,
        "last_sync_call": None,
    }
    with seeded.engine.begin() as conn:
        conn.execute(
            insert(sync_attempts).values(
                channel="allegro",
                started_at=seeded.clock.now() - timedelta(minutes=1),
                duration_ms=3,
                outcome="ok",
            )
        )
    assert client.get("/readyz").json()["worker"] == "fresh"
    seeded.clock.advance(minutes=30)
    assert client.get("/readyz").json()["worker"] == "stale"


def test_readyz_is_503_when_the_database_is_gone(seeded, tmp_path) -> None:
    api = create_app(seeded)
    (tmp_path / "api.db").unlink()
    (tmp_path / "api.db").mkdir()  # a directory where the file was: cannot be opened
    seeded.engine.dispose()
    with SandboxServer(api) as server:
        answer = httpx.get(f"{server.url}/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"


def test_readyz_reads_the_worker_heartbeat(client, seeded) -> None:
    from sqlalchemy import MetaData, Table

    beats = Table("safety_heartbeats", MetaData(), autoload_with=seeded.engine)
    with seeded.engine.begin() as conn:
        conn.execute(insert(beats).values(holder="w1", beat_at=seeded.clock.now()))
    ready = client.get("/readyz").json()
    assert ready["worker"] == "fresh"
    assert ready["heartbeat"] == seeded.clock.now().isoformat()
    seeded.clock.advance(minutes=6)
    assert client.get("/readyz").json()["worker"] == "stale"


def test_readyz_can_require_a_fresh_worker(client, seeded) -> None:
    required = client.get("/readyz", params={"worker": "required"})
    assert (required.status_code, required.json()["worker"]) == (503, "unknown")
    assert client.get("/readyz").status_code == 200  # the API alone is ready
    with seeded.engine.begin() as conn:
        now = seeded.clock.now()
        call = {"channel": "allegro", "started_at": now, "duration_ms": 3, "outcome": "ok"}
        conn.execute(insert(sync_attempts).values(**call))
    assert client.get("/readyz", params={"worker": "required"}).status_code == 200
    seeded.clock.advance(minutes=6)
    stale = client.get("/readyz", params={"worker": "required"})
    assert (stale.status_code, stale.json()["status"]) == (503, "unavailable")
    bad = client.get("/readyz", params={"worker": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "worker"
