"""Request-level faults on the Allegro sandbox answer in Allegro's own shapes."""

from __future__ import annotations

import httpx
import pytest

from omnistock.sandbox.allegro.errors import MEDIA_TYPE as MEDIA


def _faults(env, **config) -> None:
    assert env.raw.put("/_sandbox/faults", json=config).status_code == 200


def test_server_errors_use_the_allegro_error_body(allegro_env) -> None:
    env = allegro_env()
    _faults(env, error_rate=1.0)
    statuses = set()
    for _ in range(12):
        response = env.api.get("/sale/offers")
        statuses.add(response.status_code)
        assert response.headers["content-type"] == MEDIA
        (error,) = response.json()["errors"]
        assert set(error) == {"code", "message", "details", "path", "userMessage", "metadata"}
    assert statuses <= {500, 502, 503}
    assert env.raw.get("/_sandbox/offers/quantities").status_code == 200  # admin is never faulted


@pytest.mark.parametrize("retry_after", [True, False])
def test_429_bursts_with_and_without_retry_after(allegro_env, retry_after: bool) -> None:
    env = allegro_env()
    burst = {"every": 3, "length": 1, "retry_after": retry_after, "retry_after_seconds": 7}
    _faults(env, burst_429=burst)
    responses = [env.api.get("/order/event-stats") for _ in range(8)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 200, 200, 200, 429]
    limited = responses[3]
    assert limited.json()["errors"][0]["code"] == "TooManyRequestsException"
    assert limited.headers.get("retry-after") == ("7" if retry_after else None)


def test_dropped_connections(allegro_env) -> None:
    env = allegro_env()
    _faults(env, drop_rate=1.0)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        env.api.get("/sale/offers")


def test_timeouts(allegro_env) -> None:
    env = allegro_env()
    _faults(env, timeout_rate=1.0, timeout_seconds=30)
    with pytest.raises(httpx.ReadTimeout):
        env.api.get("/sale/offers", timeout=0.3)


def test_latency(allegro_env) -> None:
    env = allegro_env()
    _faults(env, latency_ms=(120, 160))
    response = env.api.get("/order/event-stats")
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.12


def test_oauth_endpoints_are_faulted_too(allegro_env) -> None:
    env = allegro_env()
    _faults(env, error_rate=1.0)
    assert env.raw.post("/auth/oauth/device").status_code in {500, 502, 503}


def test_faults_are_deterministic_for_a_seed(allegro_env) -> None:
    runs = []
    for _ in range(2):
        env = allegro_env(seed=42)
        _faults(env, error_rate=0.4)
        runs.append([env.api.get("/order/event-stats").status_code for _ in range(20)])
    assert runs[0] == runs[1]
    assert 200 in runs[0]
    assert set(runs[0]) - {200}


def test_request_log_records_emulated_calls(allegro_env) -> None:
    env = allegro_env()
    env.api.get("/sale/offers", params={"limit": 2})
    log = env.raw.get("/_sandbox/requests", params={"path": "/sale/"}).json()
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in log] == [
        ("GET", "/sale/offers", "limit=2", 200)
    ]
