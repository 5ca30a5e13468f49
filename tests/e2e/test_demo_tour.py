"""``omnistock demo``: the tour on loopback sandboxes, as a user runs it (issue 10 must-show).

One run (``--seconds 20``, compressed sandbox time) is shared by the tests of this module.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from omnistock.demo import SUMMARY_KEYS

pytestmark = pytest.mark.e2e


Result = Any


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, omnistock: Any) -> tuple[Path, Result]:
    where = tmp_path_factory.mktemp("tour")
    folder = where / "demo"
    args = ("demo", "--dir", str(folder), "--seconds", "20", "--json", "--no-dashboard")
    return folder, omnistock(where, None, *args, timeout=180)


@pytest.fixture(scope="module")
def summary(run: tuple[Path, Result]) -> dict[str, Any]:
    result = run[1]
    assert result.code == 0, result.err
    data: dict[str, Any] = result.json()
    return data


def test_summary_has_every_key_measured(summary: dict[str, Any]) -> None:
    assert set(SUMMARY_KEYS) <= set(summary)
    assert set(summary["api_calls"]) == {"allegro-main", "sklep", "amazon-pl", "facebook"}
    assert all(n > 0 for n in summary["api_calls"].values())
    assert summary["orders_placed"] > 0


def test_no_oversell_no_duplicates_no_drift(summary: dict[str, Any]) -> None:
    assert summary["oversold_units"] == 0
    assert summary["orders_duplicated"] == 0
    assert summary["final_drift"] == 0
    assert summary["orders_imported"] == summary["orders_placed"]


def test_invoices_are_all_valid(summary: dict[str, Any]) -> None:
    assert summary["invoices_issued"] > 0
    assert summary["invoices_valid"] == summary["invoices_issued"]


def test_all_zero_feed_is_held_not_pushed_and_alerted(
    summary: dict[str, Any], run: tuple[Path, Result]
) -> None:
    assert summary["sms_sent"] >= 1
    assert summary["emails_sent"] >= 1
    zero = summary["zero_feed"]
    showing = zero["listings"] - zero["zero_before"]  # offers that had stock to lose
    assert zero["held_items"] >= showing * 0.95  # (a few may have sold out just before)
    # the channels kept selling: at most a few offers sold out meanwhile, none zeroed by the feed
    assert zero["zero_while_held"] - zero["zero_before"] < zero["listings"] * 0.05
    with sqlite3.connect(run[0] / "omnistock.db") as db:
        holds = db.execute("select channel, scope, status from safety_holds").fetchall()
        held_on = db.execute("select distinct channel from safety_hold_items").fetchall()
    # one hold for the whole import, over every channel account's changes
    assert holds == [("*", "set", "rejected")]  # superseded by the corrected feed, never sent
    assert sorted(c[0] for c in held_on) == ["allegro-main", "amazon-pl", "facebook", "sklep"]


def test_compliance_run_is_stored_for_the_dashboard(
    summary: dict[str, Any], run: tuple[Path, Result]
) -> None:
    with sqlite3.connect(run[0] / "omnistock.db") as db:
        runs = db.execute("select source, checked from compliance_runs").fetchall()
        found = db.execute("select count(*) from compliance_results").fetchone()[0]
    assert len(runs) == 1
    assert runs[0][0] == "demo"
    assert runs[0][1] > 0  # the Allegro sandbox's offers were read and checked
    assert found >= summary["compliance_violations"]


def test_folder_stays_for_the_cli(run: tuple[Path, Result], omnistock: Any) -> None:
    folder = run[0]
    assert (folder / "omnistock.db").is_file()
    config = str(folder / "omnistock.toml")
    listed = omnistock(folder, None, "--config", config, "orders", "list", "--json")
    assert listed.code == 0, listed.err
    assert len(listed.json()) > 0
    again = omnistock(folder, None, "demo", "--dir", str(folder), "--seconds", "5")
    assert again.code == 2  # an earlier demo is never overwritten
    assert "already holds" in again.err
