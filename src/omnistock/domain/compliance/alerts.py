"""New violations of marketplace rules → one alert per rule, with the count, as incidents.

Two incident kinds:

- ``rule_upcoming`` — offers that will break a rule when it takes effect (within the look-ahead
  window). It warns so the seller hears before the rule bites: ``warning`` for error and warning
  rules, ``info`` for info rules (no SMS escalation: nothing is refused yet).
- ``rule_violation`` — offers breaking a rule in force; severity as the rule's (an error rule is
  what the marketplace refuses).

An alert is raised only for violations not already reported (``known`` keys of the previous run),
so the same rule and set of offers is reported once; one more offer breaking it adds to the same
incident (key ``kind:channel:rule <pack>/<rule>``). ``subject`` and ``detail`` carry ids and
numbers only, never personal data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from omnistock.domain.compliance.check import Report, Violation
from omnistock.domain.compliance.rules import RuleSeverity
from omnistock.domain.incidents import IncidentKind, Occurrence, Severity

__all__ = [
    "RuleAlert",
    "to_occurrence",
    "upcoming_alerts",
    "violation_alerts",
    "violation_key",
]

_UPCOMING_SEVERITY = {
    RuleSeverity.ERROR: Severity.WARNING,
    RuleSeverity.WARNING: Severity.WARNING,
    RuleSeverity.INFO: Severity.INFO,
}
_IN_FORCE_SEVERITY = {
    RuleSeverity.ERROR: Severity.ERROR,
    RuleSeverity.WARNING: Severity.WARNING,
    RuleSeverity.INFO: Severity.INFO,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleAlert:
    """``count`` newly seen offers breaking ``rule`` (``total`` in all); ``upcoming`` when the
    rule starts on ``effective_from``, after the day checked."""

    channel: str
    pack: str
    rule: str
    severity: RuleSeverity
    effective_from: date
    count: int
    offers: tuple[str, ...]
    upcoming: bool = True
    total: int = 0

    @property
    def subject(self) -> str:
        """De-duplication subject: one incident per pack and rule."""
        return f"rule {self.pack}/{self.rule}"

    @property
    def kind(self) -> IncidentKind:
        return IncidentKind.RULE_UPCOMING if self.upcoming else IncidentKind.RULE_VIOLATION

    @property
    def incident_severity(self) -> Severity:
        table = _UPCOMING_SEVERITY if self.upcoming else _IN_FORCE_SEVERITY
        return table[self.severity]

    @property
    def detail(self) -> str:
        offers = f"{self.count} offers"
        if self.total > self.count:
            offers = f"{self.count} new offers ({self.total} in all)"
        since = self.effective_from.isoformat()
        if self.upcoming:
            return f"{offers} break {self.rule} from {since}"
        return f"{offers} break {self.rule}, in force since {since}"


def violation_key(violation: Violation) -> tuple[str, str, str]:
    """(pack, rule id, offer): what "already reported" is remembered by."""
    return (violation.pack, violation.rule.id, violation.offer)


def upcoming_alerts(
    report: Report, known: Collection[tuple[str, str, str]] = ()
) -> list[RuleAlert]:
    """One alert per upcoming rule that has violations not in ``known``, ordered by date."""
    return _alerts(report.upcoming, known, upcoming=True)


def violation_alerts(
    report: Report, known: Collection[tuple[str, str, str]] = ()
) -> list[RuleAlert]:
    """One alert per rule in force that has violations not in ``known``, ordered by date."""
    return _alerts(report.violations, known, upcoming=False)


def _alerts(
    found: Iterable[Violation], known: Collection[tuple[str, str, str]], *, upcoming: bool
) -> list[RuleAlert]:
    grouped: dict[tuple[str, str, str], list[Violation]] = {}
    totals: dict[tuple[str, str, str], int] = {}
    for violation in found:
        group = (violation.channel, violation.pack, violation.rule.id)
        totals[group] = totals.get(group, 0) + 1
        if violation_key(violation) not in known:
            grouped.setdefault(group, []).append(violation)
    alerts = [_alert(items, totals[group], upcoming) for group, items in grouped.items()]
    return sorted(alerts, key=lambda a: (a.effective_from, a.pack, a.rule, a.channel))


def _alert(items: list[Violation], total: int, upcoming: bool) -> RuleAlert:
    first = items[0]
    return RuleAlert(
        channel=first.channel,
        pack=first.pack,
        rule=first.rule.id,
        severity=first.rule.severity,
        effective_from=first.rule.effective_from,
        count=len(items),
        offers=tuple(sorted({v.offer for v in items})),
        upcoming=upcoming,
        total=total,
    )


def to_occurrence(alert: RuleAlert, kind: IncidentKind | None = None) -> Occurrence:
    """The incident occurrence for ``alert`` (one incident per channel, pack and rule);
    ``kind`` defaults to ``rule_upcoming`` / ``rule_violation``."""
    return Occurrence(
        kind=kind or alert.kind,
        severity=alert.incident_severity,
        subject=alert.subject,
        channel=alert.channel,
        detail=alert.detail,
    )
