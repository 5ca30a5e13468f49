"""The invoicing-job benchmark runs on a real database and reports its figures (no timing)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "invoice_job_bench.py"


def test_job_benchmark_invoices_every_order_and_reports_json(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("invoice_job_bench_smoke", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--orders", "12", "--db", db_url, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["issued"], figures["accepted"], figures["failed"]) == (12, 12, 0)
    assert figures["issue_per_second"] > 0
