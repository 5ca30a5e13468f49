"""The invoice benchmark runs and reports its figures (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "invoice_bench.py"


def test_benchmark_reports_rates_and_ratio_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("invoice_bench_smoke", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--count", "5", "--lines", "2", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["invoices"] == 5
    assert figures["gate_per_second"] > 0
    assert 0 < figures["gate_vs_baseline"]
