"""Limits and outages: 429 with Retry-After, and KsefUnavailable for offline mode."""

from __future__ import annotations

import socket

import httpx
import pytest

from omnistock.invoicing.ksef import KsefClient, KsefRateLimited, KsefSettings, KsefUnavailable
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.ksef import create_app


def limit(env, group: str, count: int, seconds: float) -> None:
    rules = {"groups": {group: [{"limit": count, "window_seconds": seconds}]}}
    assert httpx.put(f"{env.url}/_sandbox/limits", json=rules).status_code == 200


def faults(env, **config) -> None:
    assert httpx.put(f"{env.url}/_sandbox/faults", json=config).status_code == 200


def test_waits_out_a_429_for_the_retry_after_seconds_and_succeeds(env, make_xml):
    limit(env, "online_invoice", 2, 30)
    files = [(f"{n}.xml", make_xml(f"FV/L/{n}")) for n in range(1, 4)]
    report = env.client().send_online(files)
    assert len(report.accepted) == 3
    statuses = [e.status for e in env.sandbox.requests.entries("/sessions/online/")]
    assert 429 in statuses
    assert 30 in env.waits  # the client slept exactly what Retry-After said


def test_long_retry_after_becomes_rate_limited_error_for_the_caller(env, make_xml):
    limit(env, "online_open", 1, 3600)
    client = env.client()
    client.submit(make_xml("FV/L/10"))
    with pytest.raises(KsefRateLimited) as caught:
        client.submit(make_xml("FV/L/11"))
    assert caught.value.retry_after is not None
    assert 3000 < caught.value.retry_after <= 3600
    assert caught.value.status == 429


def test_server_errors_mean_ksef_unavailable(env, make_xml):
    client = env.client()
    client.authenticate()
    faults(env, error_rate=1.0)
    try:
        with pytest.raises(KsefUnavailable) as caught:
            client.submit(make_xml("FV/U/1"))
    finally:
        faults(env)
    assert caught.value.status is not None
    assert caught.value.status >= 500


def test_timeout_means_ksef_unavailable(env, make_xml):
    client = env.client(timeout=0.3)
    client.authenticate()
    faults(env, timeout_rate=1.0, timeout_seconds=1.0)
    try:
        with pytest.raises(KsefUnavailable, match="in time"):
            client.submit(make_xml("FV/U/2"))
    finally:
        faults(env)


def test_nothing_listening_means_ksef_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = KsefSettings(base_url=f"http://127.0.0.1:{port}", nip="5261040828", token="t")
    with KsefClient(settings) as client, pytest.raises(KsefUnavailable, match="unreachable"):
        client.authenticate()


def test_time_scale_compresses_the_hourly_window_and_retry_after_follows():
    app = create_app(SandboxOptions(time_scale=360))  # an hour per 10 real seconds
    app.state.sandbox.set_limits({"online_open": [(1, 3600)]})
    with SandboxServer(app) as server:
        settings = KsefSettings(
            base_url=server.url, nip="5261040828", token="omnistock-sandbox", rate_retries=0
        )
        with KsefClient(settings, now=app.state.sandbox.clock.now) as client:
            client.online_session().close()
            with pytest.raises(KsefRateLimited) as caught:
                client.online_session()
    assert caught.value.retry_after == 10  # the sandbox hour left, in real seconds
