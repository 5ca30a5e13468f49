"""The KSeF batch benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "ksef_batch_bench.py"


def test_batch_benchmark_reports_rates_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("ksef_batch_bench_smoke", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--count", "40", "--part-size", "4000", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["accepted"] == figures["distinct_ksef_numbers"] == 40
    assert figures["parts"] > 1
    assert figures["batch_per_second"] > 0
    assert figures["baseline_xsd_per_second"] > 0
