"""One daily compliance run: check, alert on new upcoming violations, remember what was seen."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date

from omnistock.domain.compliance.alerts import RuleAlert, upcoming_alerts, violation_key
from omnistock.domain.compliance.check import Report, check
from omnistock.domain.compliance.content import ListingContent
from omnistock.domain.compliance.rules import RulePack

__all__ = ["DailyResult", "daily_run"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyResult:
    """The report, the alerts to raise, and the keys to store for the next run."""

    report: Report
    alerts: tuple[RuleAlert, ...]
    known: frozenset[tuple[str, str, str]]


def daily_run(
    listings: Sequence[ListingContent],
    packs: Sequence[RulePack],
    as_of: date,
    known: Set[tuple[str, str, str]] = frozenset(),
    upcoming_days: int = 30,
) -> DailyResult:
    """Check; alert once per rule on upcoming violations not in ``known``.

    ``known`` becomes exactly the upcoming violations of this run, so an offer that was fixed
    and breaks the rule again is alerted again.
    """
    report = check(listings, packs, as_of, upcoming_days)
    return DailyResult(
        report=report,
        alerts=tuple(upcoming_alerts(report, known)),
        known=frozenset(violation_key(v) for v in report.upcoming),
    )
