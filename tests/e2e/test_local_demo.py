"""The local scenario of issue 2 (``entrypoints/cli/demo.py``), run through its Typer command.

``omnistock demo`` is now the full tour (``demo_tour``); the local scenario stays importable and
is exercised here in-process on a fresh SQLite database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from omnistock.domain.errors import Conflict
from omnistock.entrypoints.cli import demo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def local_demo() -> typer.Typer:
    app = typer.Typer()
    demo.register(app)
    return app


def test_local_demo_json_summary(local_demo: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(local_demo, ["--dir", str(tmp_path / "demo"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["products"] == 12
    assert len(summary["channels"]) == 4
    assert summary["pause"]["before"]["paused"] is False
    assert summary["pause"]["after"]["paused"] is True
    assert set(summary["pause"]["after"]["allocation"].values()) == {0}
    for view in summary["allocations"].values():  # shared or split: never above sellable
        assert max(view["allocation"].values()) <= max(0, view["available"] - view["buffer"])
    mug = summary["allocations"]["KUB-300"]  # percentage: the channels share the sellable units
    assert sum(mug["allocation"].values()) <= mug["available"] - mug["buffer"]
    assert summary["explanation"]["components"]  # the kit is explained through its components
    assert (tmp_path / "demo" / "omnistock.db").is_file()


def test_local_demo_prints_tables_and_keeps_earlier_runs(
    local_demo: typer.Typer, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(local_demo, ["--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    for expected in ("Allocation per channel", "PAUSED", "Bundle components", "ZESTAW-HERB"):
        assert expected in result.stdout
    again = runner.invoke(local_demo, ["--dir", str(tmp_path / "demo")])
    assert isinstance(again.exception, Conflict)  # an earlier demo is never overwritten
