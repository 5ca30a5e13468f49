"""The oversell simulation runs end to end on a tiny trace and reports its figures."""

from __future__ import annotations

import json

import pytest

bench = pytest.importorskip("benchmarks.oversell_bench")


def test_small_run_reports_orders_oversell_and_duplicates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--json", "--buyers", "12", "--skus", "1", "--stock", "4", "--minutes", "6"]
    assert bench.main([*args, "--cycle", "30"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"orders", "oversold_units", "baseline_oversold_units", "orders_duplicated"} <= set(
        result
    )
    assert result["orders_duplicated"] == 0
    assert result["sale_watch"] is True  # Amazon as the worker polls it: plan + sale watch
    assert not any(key.startswith("amazon:RateLimited") for key in result["import_failures"])
    assert result["orders_missing"] == 0
    assert result["orders"] == result["units_sold"] >= 4  # the whole stock sold at least once


def test_baseline_oversells_when_channels_learn_late() -> None:
    buyers = [bench.Buyer(at=float(n), channel=c, product=0) for n, c in enumerate(bench.SELLING)]
    assert bench.baseline(buyers, skus=1, stock=1) == (3, 2)  # each channel sells the last unit
