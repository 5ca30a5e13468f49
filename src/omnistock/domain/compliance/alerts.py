"""New violations of rules that take effect soon → one alert per rule, with the count.

The incident kinds in ``omnistock.domain.incidents`` have no kind for marketplace rules yet, so
this module returns its own small value, and :func:`to_occurrence` takes the kind as an argument
(``subject`` and ``detail`` carry ids and numbers only, never personal data).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from omnistock.domain.compliance.check import Report, Violation
from omnistock.domain.compliance.rules import RuleSeverity
from omnistock.domain.incidents import IncidentKind, Occurrence, Severity

__all__ = ["RuleAlert", "to_occurrence", "upcoming_alerts", "violation_key"]

# A rule not in force yet warns (e-mail, webhook); it is not an error yet, so no SMS escalation.
_SEVERITY = {
    RuleSeverity.ERROR: Severity.WARNING,
    RuleSeverity.WARNING: Severity.WARNING,
    RuleSeverity.INFO: Severity.INFO,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleAlert:
    """Offers that will break ``rule`` when it takes effect on ``effective_from``."""

    channel: str
    pack: str
    rule: str
    severity: RuleSeverity
    effective_from: date
    count: int
    offers: tuple[str, ...]

    @property
    def subject(self) -> str:
        """De-duplication subject: one incident per pack and rule."""
        return f"rule {self.pack}/{self.rule}"

    @property
    def detail(self) -> str:
        return f"{self.count} offers break {self.rule} from {self.effective_from.isoformat()}"


def violation_key(violation: Violation) -> tuple[str, str, str]:
    """(pack, rule id, offer): what "already reported" is remembered by."""
    return (violation.pack, violation.rule.id, violation.offer)


def upcoming_alerts(
    report: Report, known: Collection[tuple[str, str, str]] = ()
) -> list[RuleAlert]:
    """One alert per upcoming rule that has violations not in ``known``, ordered by date."""
    grouped: dict[tuple[str, str], list[Violation]] = {}
    for violation in report.upcoming:
        if violation_key(violation) not in known:
            grouped.setdefault((violation.pack, violation.rule.id), []).append(violation)
    alerts = [_alert(found) for found in grouped.values()]
    return sorted(alerts, key=lambda a: (a.effective_from, a.pack, a.rule))


def _alert(found: Iterable[Violation]) -> RuleAlert:
    items = list(found)
    first = items[0]
    return RuleAlert(
        channel=first.channel,
        pack=first.pack,
        rule=first.rule.id,
        severity=first.rule.severity,
        effective_from=first.rule.effective_from,
        count=len(items),
        offers=tuple(sorted({v.offer for v in items})),
    )


def to_occurrence(alert: RuleAlert, kind: IncidentKind) -> Occurrence:
    """The incident occurrence for ``alert`` (one incident per channel, pack and rule)."""
    return Occurrence(
        kind=kind,
        severity=_SEVERITY[alert.severity],
        subject=alert.subject,
        channel=alert.channel,
        detail=alert.detail,
    )
