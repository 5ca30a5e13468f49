"""Limits and outages: 429 with Retry-After, and KsefUnavailable for offline mode."""

from __future__ import annotations

import socket

import httpx
import pytest

from omnistock.invoicing.ksef import KsefClient, KsefRateLimited, KsefSettings, KsefUnavailable


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
