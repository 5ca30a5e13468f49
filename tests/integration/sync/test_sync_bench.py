"""The sync benchmark runs end to end on a tiny trace and reports every key.

The default mode drives the real HTTP adapters against the four sandboxes on loopback; ``--fake``
keeps the in-memory fakes in virtual time. Nothing here is timed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

bench = pytest.importorskip("benchmarks.sync_bench")

KEYS = {
    "api_calls",
    "poll_calls",
    "min_calls",
    "call_ratio",
    "events_per_s",
    "peak_rss_mb",
    "p50_latency_s",
    "p99_latency_s",
    "baseline_p99_latency_s",
    "baseline_api_calls",
    "naive_api_calls",
    "steady_api_calls",
    "final_drift",
}
PER_CHANNEL = {"api_calls", "min_calls", "poll_calls", "offers_to_push"}
PER_CHANNEL_STEADY = {
    "p50_latency_s",
    "p99_latency_s",
    "baseline_p99_latency_s",
    "baseline_api_calls",
    "steady_api_calls",
    "naive_api_calls",
}
TINY = ["--json", "--skus", "40", "--events", "200", "--steady-seconds", "4", "--rate", "4"]


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    assert bench.main([*TINY, *extra]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def _check(result: dict[str, Any], channels: list[str]) -> None:
    assert KEYS <= result.keys()
    assert result["channels"] == channels
    assert result["final_drift"] == 0
    assert result["drift_per_channel"] == dict.fromkeys(channels, 0)
    # the minimum is a lower bound (a batch split by budget or a retried 429 costs more)
    assert result["min_calls"] > 0
    assert result["min_calls"] <= result["api_calls"] <= 2 * result["min_calls"]
    assert result["steady_api_calls"] <= result["naive_api_calls"]
    assert result["p50_latency_s"] <= result["p99_latency_s"] < result["baseline_p99_latency_s"]
    for name in channels:
        assert PER_CHANNEL <= result["burst_per_channel"][name].keys()
        assert PER_CHANNEL_STEADY <= result["steady_per_channel"][name].keys()


def test_sandbox_run_reports_all_keys_and_converges(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(capsys, "--latency-ms", "0", "5")
    _check(result, ["allegro", "shop", "amazon", "meta"])
    assert result["adapters"] == "HTTP sandboxes"
    # real HTTP went to every sandbox: the adapters' own requests were counted
    assert all(result["http_requests"][n].get("writes", 0) > 0 for n in result["channels"])


def test_fake_run_reports_all_keys_and_converges(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(capsys, "--fake", "--channels", "2")
    _check(result, ["allegro", "shop"])
    assert "fake" in result["adapters"]
