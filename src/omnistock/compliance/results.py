"""Stored compliance results for the REST API and the dashboard.

:func:`latest_compliance_results` is the read side of the daily worker run
(:mod:`omnistock.compliance.daily_job`): the newest stored run as plain JSON-ready data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from omnistock.domain.compliance import Lang
from omnistock.store.compliance_repository import StoredResult, StoredRun, latest_run

__all__ = ["latest_compliance_results", "run_dict"]


def _result(result: StoredResult, lang: Lang) -> dict[str, Any]:
    return {
        "offer": result.offer,
        "channel": result.channel,
        "pack": result.pack,
        "rule": result.rule,
        "severity": result.severity.value,
        "effective_from": result.effective_from.isoformat(),
        "message": result.message(lang),
        "source": result.source,
    }


def run_dict(run: StoredRun, lang: Lang = Lang.PL, channel: str | None = None) -> dict[str, Any]:
    """A stored run as plain data: ``violations`` (rules in force) and ``upcoming`` lists."""
    chosen = [r for r in run.results if channel is None or r.channel == channel]
    return {
        "run": run.id,
        "as_of": run.as_of.isoformat(),
        "upcoming_until": run.upcoming_until.isoformat(),
        "ran_at": run.ran_at.isoformat(timespec="seconds"),
        "source": run.source,
        "checked": run.checked,
        "rules_in_force": run.rules_in_force,
        "rules_upcoming": run.rules_upcoming,
        "packs": [dict(p) for p in run.packs],
        "errors": list(run.errors),
        "violations": [_result(r, lang) for r in chosen if not r.upcoming],
        "upcoming": [_result(r, lang) for r in chosen if r.upcoming],
    }


def latest_compliance_results(
    engine: Engine,
    *,
    channel: str | None = None,
    lang: Lang = Lang.PL,
    source: str | None = None,
) -> dict[str, Any] | None:
    """The newest stored check run (``None`` if none yet): as-of day, pack versions, and per
    offer and rule the violations now and the upcoming ones; ``channel`` keeps one pack
    channel's results (e.g. ``allegro``); messages in ``lang``."""
    run = latest_run(engine, source=source)
    return None if run is None else run_dict(run, lang, channel)
