"""``omnistock stock set|import --observed-at`` in process: an older count fails naming
observed_at, a stale import row is skipped and listed, the newer level stays."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omnistock.domain.ledger import StaleObservation
from omnistock.entrypoints.cli import _register, app

NOW = datetime.now(UTC)


@pytest.fixture
def cli(db_url: str) -> CliRunner:
    _register()
    runner = CliRunner(env={"OMNISTOCK_DB": db_url})
    assert runner.invoke(app, ["product", "add", "KUB-1", "Kubek"]).exit_code == 0
    return runner


def _on_hand(cli: CliRunner) -> int:
    shown = cli.invoke(app, ["stock", "show", "KUB-1", "--json"])
    return int(json.loads(shown.stdout)["on_hand"])


def test_stock_set_and_import_refuse_older_counts(cli: CliRunner, tmp_path: Path) -> None:
    newer, older = (NOW - timedelta(minutes=5)).isoformat(), (NOW - timedelta(minutes=20))
    assert cli.invoke(app, ["stock", "set", "KUB-1", "10", "--observed-at", newer]).exit_code == 0
    stale = cli.invoke(app, ["stock", "set", "KUB-1", "3", "--observed-at", older.isoformat()])
    assert isinstance(stale.exception, StaleObservation)  # ``main`` prints it, exit code 2
    assert str(stale.exception).startswith("observed_at: KUB-1 in main")
    assert _on_hand(cli) == 10
    feed = tmp_path / "stock.csv"
    feed.write_text("sku,warehouse,on_hand\nKUB-1,main,4\n", encoding="utf-8")
    args = ["stock", "import", str(feed), "--observed-at", older.isoformat(), "--json"]
    summary = json.loads(cli.invoke(app, args).stdout)
    assert (summary["applied"], summary["stale"]) == (0, 1)
    assert summary["stale_rows"][0]["field"] == "observed_at"
    assert _on_hand(cli) == 10
