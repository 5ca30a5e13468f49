"""One daily compliance run: check, alert on new violations, remember what was seen."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date

from omnistock.domain.compliance.alerts import (
    RuleAlert,
    upcoming_alerts,
    violation_alerts,
    violation_key,
)
from omnistock.domain.compliance.check import Report, check
from omnistock.domain.compliance.content import ListingContent
from omnistock.domain.compliance.rules import RulePack

__all__ = ["DailyResult", "daily_run", "known_keys"]

Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyResult:
    """The report, the alerts to raise, and the keys to store for the next run.

    ``alerts`` are upcoming rules (``rule_upcoming``), ``violation_alerts`` rules in force
    (``rule_violation``); ``known`` / ``known_violations`` are this run's upcoming / in-force
    violation keys.
    """

    report: Report
    alerts: tuple[RuleAlert, ...]
    known: frozenset[Key]
    violation_alerts: tuple[RuleAlert, ...] = ()
    known_violations: frozenset[Key] = frozenset()

    @property
    def all_alerts(self) -> tuple[RuleAlert, ...]:
        return (*self.violation_alerts, *self.alerts)


def known_keys(report: Report) -> tuple[frozenset[Key], frozenset[Key]]:
    """(upcoming keys, in-force keys) of ``report``."""
    return (
        frozenset(violation_key(v) for v in report.upcoming),
        frozenset(violation_key(v) for v in report.violations),
    )


def daily_run(
    listings: Sequence[ListingContent],
    packs: Sequence[RulePack],
    as_of: date,
    known: Set[Key] = frozenset(),
    upcoming_days: int = 30,
    known_violations: Set[Key] | None = None,
    report: Report | None = None,
) -> DailyResult:
    """Check (or take ``report``); alert once per rule on violations not already known.

    ``known`` becomes exactly the upcoming violations of this run, so an offer that was fixed
    and breaks the rule again is alerted again; likewise ``known_violations`` for rules in
    force. A rule that comes into force is reported again as a violation (the upcoming warning
    was heard, the rule now bites). ``known_violations=None`` raises no in-force alerts.
    """
    if report is None:
        report = check(listings, packs, as_of, upcoming_days)
    upcoming_now, in_force_now = known_keys(report)
    return DailyResult(
        report=report,
        alerts=tuple(upcoming_alerts(report, known)),
        known=upcoming_now,
        violation_alerts=()
        if known_violations is None
        else tuple(violation_alerts(report, known_violations)),
        known_violations=in_force_now,
    )
