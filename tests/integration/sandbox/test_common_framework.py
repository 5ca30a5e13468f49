"""The common sandbox framework over real HTTP: faults, admin routes, error shapes, server."""

from __future__ import annotations

import json
import time
from collections import Counter

import httpx
import pytest
from fastapi import FastAPI

from omnistock.sandbox.common import (
    Burst429,
    FaultConfig,
    FaultInjector,
    FaultKind,
    SandboxBase,
    SandboxOptions,
    SandboxServer,
    build_app,
)


def _error_body(status: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"fake_error": status}).encode()
    return body, {"content-type": "application/json"}


class _Toy(SandboxBase):
    def __init__(self, options: SandboxOptions) -> None:
        super().__init__(options)
        self.resets = 0

    def reset_state(self) -> None:
        self.resets += 1


def _toy_app(faults: FaultConfig | None = None) -> tuple[_Toy, FastAPI]:
    toy = _Toy(SandboxOptions(seed=7, faults=faults or FaultConfig()))
    app = build_app(toy, title="toy", error_body=_error_body)

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    @app.post("/items")
    async def items(body: dict[str, list[int]]) -> dict[str, list[bool]]:
        return {"failed": [toy.injector.item_fails() for _ in body["items"]]}

    @app.get("/events")
    async def events() -> list[int]:
        return toy.injector.events(list(range(10)))

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    return toy, app


def test_same_seed_gives_same_fault_sequence() -> None:
    config = FaultConfig(error_rate=0.2, timeout_rate=0.1, drop_rate=0.1, latency_ms=(1, 9))
    first, second = FaultInjector(config, seed=3), FaultInjector(config, seed=3)
    one = [first.decide_request() for _ in range(200)]
    assert one == [second.decide_request() for _ in range(200)]
    kinds = Counter(d.kind for d in one)
    assert set(kinds) == {FaultKind.NONE, FaultKind.ERROR, FaultKind.TIMEOUT, FaultKind.DROP}
    assert 20 <= kinds[FaultKind.ERROR] <= 60
    other = FaultInjector(config, seed=4)
    assert [other.decide_request() for _ in range(200)] != one


def test_error_rate_answers_5xx_with_the_api_error_body(serve) -> None:
    _, app = _toy_app(FaultConfig(error_rate=1.0))
    server = serve(app)
    statuses = set()
    for _ in range(20):
        response = httpx.get(f"{server.url}/ping")
        assert response.json() == {"fake_error": response.status_code}
        statuses.add(response.status_code)
    assert statuses <= {500, 502, 503}
    assert len(statuses) > 1


def test_drop_closes_the_connection_without_a_response(serve) -> None:
    toy, app = _toy_app(FaultConfig(drop_rate=1.0))
    server = serve(app)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.get(f"{server.url}/ping")
    deadline = time.monotonic() + 5
    while not toy.requests.entries() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server logs the request once it has closed the connection
    assert toy.requests.entries()[0].status is None


def test_timeout_keeps_silent_until_the_client_gives_up(serve) -> None:
    _, app = _toy_app(FaultConfig(timeout_rate=1.0, timeout_seconds=30))
    server = serve(app)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{server.url}/ping", timeout=0.3)


def test_timeout_closes_the_connection_after_timeout_seconds(serve) -> None:
    _, app = _toy_app(FaultConfig(timeout_rate=1.0, timeout_seconds=0.2))
    server = serve(app)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.get(f"{server.url}/ping", timeout=10)


def test_latency_delays_the_answer(serve) -> None:
    _, app = _toy_app(FaultConfig(latency_ms=(150, 150)))
    server = serve(app)
    response = httpx.get(f"{server.url}/ping")
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.15


@pytest.mark.parametrize("retry_after", [True, False])
def test_429_bursts_follow_the_configured_rhythm(serve, retry_after: bool) -> None:
    burst = Burst429(every=2, length=2, retry_after=retry_after, retry_after_seconds=3)
    _, app = _toy_app(FaultConfig(burst_429=burst))
    server = serve(app)
    with httpx.Client(base_url=server.url) as client:
        responses = [client.get("/ping") for _ in range(8)]
    assert [r.status_code for r in responses] == [200, 200, 429, 429] * 2
    assert responses[2].json() == {"fake_error": 429}
    assert responses[2].headers.get("retry-after") == ("3" if retry_after else None)


def test_partial_batch_failures_and_event_faults_are_deterministic(serve) -> None:
    faults = FaultConfig(
        partial_batch_failure_rate=0.5, duplicate_event_rate=0.3, reorder_events=True
    )
    runs = []
    for _ in range(2):
        _, app = _toy_app(faults)
        with httpx.Client(base_url=serve(app).url) as client:
            failed = client.post("/items", json={"items": list(range(40))}).json()["failed"]
            events = client.get("/events").json()
        runs.append((failed, events))
    failed, events = runs[0]
    assert runs[1] == runs[0]
    assert 5 < sum(failed) < 35
    assert sorted(set(events)) == list(range(10))
    assert len(events) > 10
    assert events != sorted(events)


def test_admin_routes_are_never_faulted(serve) -> None:
    _, app = _toy_app(FaultConfig(error_rate=1.0))
    server = serve(app)
    assert httpx.get(f"{server.url}/_sandbox/faults").json()["error_rate"] == 1.0


def test_faults_change_at_run_time_and_bad_faults_name_the_field(serve) -> None:
    toy, app = _toy_app()
    with httpx.Client(base_url=serve(app).url) as client:
        assert client.get("/ping").status_code == 200
        put = client.put("/_sandbox/faults", json={"error_rate": 1.0})
        assert put.status_code == 200
        assert client.get("/ping").status_code in {500, 502, 503}
        bad = client.put("/_sandbox/faults", json={"error_rate": 2})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "error_rate"]
        assert toy.injector.config.error_rate == 1.0
        client.post("/_sandbox/reset")
        assert client.get("/ping").status_code == 200


def test_request_log_filters_by_path_and_reset_clears_it(serve) -> None:
    toy, app = _toy_app()
    with httpx.Client(base_url=serve(app).url) as client:
        client.get("/ping", params={"a": "1"})
        client.post("/items", json={"items": [1, 2]})
        client.get("/_sandbox/clock")
        log = client.get("/_sandbox/requests").json()
        assert [(e["method"], e["path"], e["status"]) for e in log] == [
            ("GET", "/ping", 200),
            ("POST", "/items", 200),
        ]
        assert log[0]["query"] == "a=1"
        assert log[1]["body_json"] == {"items": [1, 2]}
        assert log[1]["body_size"] == len(b'{"items":[1,2]}')
        assert len(client.get("/_sandbox/requests", params={"path": "/items"}).json()) == 1
        assert client.post("/_sandbox/reset").status_code == 204
        assert client.get("/_sandbox/requests").json() == []
    assert toy.resets == 1


def test_clock_advances_and_scales(serve) -> None:
    toy = _Toy(SandboxOptions(time_scale=1000))
    app = build_app(toy, title="toy", error_body=_error_body)
    with httpx.Client(base_url=serve(app).url) as client:
        before = client.get("/_sandbox/clock").json()
        after = client.post("/_sandbox/clock/advance", json={"seconds": 3600}).json()
        assert before["time_scale"] == 1000
        assert after["elapsed_seconds"] - before["elapsed_seconds"] >= 3600
        assert client.post("/_sandbox/clock/advance", json={"seconds": -1}).status_code == 422
    start = toy.clock.elapsed_seconds()
    while toy.clock.elapsed_seconds() < start + 50:  # 50 sandbox seconds = 50 ms real
        pass
    assert toy.clock.now().tzinfo is not None


def test_unknown_route_and_crash_answer_in_the_api_shape(serve, caplog) -> None:
    toy, app = _toy_app()
    with httpx.Client(base_url=serve(app).url) as client:
        missing = client.get("/nope")
        assert (missing.status_code, missing.json()) == (404, {"fake_error": 404})
        crash = client.get("/crash")
        assert (crash.status_code, crash.json()) == (500, {"fake_error": 500})
        assert client.get("/ping").status_code == 200  # the keep-alive connection survives
        assert toy.requests.entries("/crash")[0].status == 500
    assert "sandbox crashed on GET /crash" in caplog.text


def test_admin_docs_describe_admin_routes_only(serve) -> None:
    _, app = _toy_app()
    with httpx.Client(base_url=serve(app).url) as client:
        for path in ("/docs", "/openapi.json", "/redoc"):
            assert client.get(path).status_code == 404
        assert "swagger" in client.get("/_sandbox/docs").text.lower()
        paths = client.get("/_sandbox/openapi.json").json()["paths"]
        assert "/_sandbox/faults" in paths
        assert all(p.startswith("/_sandbox/") for p in paths)


def test_server_stops_listening_after_stop() -> None:
    _, app = _toy_app()
    with SandboxServer(app) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{server.url}/ping").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/ping")
