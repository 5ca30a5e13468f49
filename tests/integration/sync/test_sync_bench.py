"""The sync benchmark runs end to end on a tiny trace and reports every key."""

from __future__ import annotations

import json

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


def test_small_run_reports_all_keys_and_converges(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--json", "--skus", "60", "--events", "300", "--steady-seconds", "5", "--rate", "5"]
    assert bench.main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert KEYS <= result.keys()
    assert result["final_drift"] == 0
    assert result["api_calls"] >= result["min_calls"] > 0
    assert result["steady_api_calls"] <= result["naive_api_calls"]
    assert "fake" in result["adapters"]
