"""Notification policy: which senders per severity, escalation, quiet hours and the SMS cap.

Defaults (DESIGN.md §1, issue 6):

| severity | at once | escalate if still open | quiet hours |
|---|---|---|---|
| critical | SMS, e-mail, webhook | — | ignored |
| error | e-mail, webhook | SMS after 10 min | SMS waits |
| warning | e-mail, webhook | — | — |
| info | webhook | — | — |

At most ``sms_per_hour`` SMS in any rolling hour; the rest of a burst goes out as one digest
SMS. An open incident that keeps happening gets a ``repeated`` update by e-mail at most every
``repeat_every`` while its count grows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import MappingProxyType

from omnistock.domain.errors import InvalidValue
from omnistock.domain.incidents.incident import Severity

__all__ = ["NotificationPolicy", "QuietHours", "SeverityRule", "Via", "default_rules"]


class Via(StrEnum):
    """A notification transport."""

    SMS = "sms"
    EMAIL = "email"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True, kw_only=True)
class SeverityRule:
    """Senders used at once, senders added if the incident is still open after a delay."""

    immediate: frozenset[Via]
    escalate: frozenset[Via] = frozenset()
    escalate_after: timedelta = timedelta(minutes=10)
    ignores_quiet_hours: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class QuietHours:
    """``start``–``end`` local time in ``tz`` (may wrap midnight) when ``vias`` stay silent."""

    start: time
    end: time
    tz: tzinfo = UTC
    vias: frozenset[Via] = frozenset({Via.SMS})

    def active(self, now: datetime) -> bool:
        """True when ``now`` falls inside the quiet period."""
        local = now.astimezone(self.tz).time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def default_rules() -> Mapping[Severity, SeverityRule]:
    """The table in this module's docstring."""
    everyone = frozenset(Via)
    mail_hook = frozenset({Via.EMAIL, Via.WEBHOOK})
    return MappingProxyType(
        {
            Severity.CRITICAL: SeverityRule(immediate=everyone, ignores_quiet_hours=True),
            Severity.ERROR: SeverityRule(immediate=mail_hook, escalate=frozenset({Via.SMS})),
            Severity.WARNING: SeverityRule(immediate=mail_hook),
            Severity.INFO: SeverityRule(immediate=frozenset({Via.WEBHOOK})),
        }
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationPolicy:
    """Everything :func:`plan_notifications` decides by."""

    rules: Mapping[Severity, SeverityRule] = field(default_factory=default_rules)
    quiet_hours: QuietHours | None = None
    sms_per_hour: int = 5
    repeat_every: timedelta = timedelta(hours=1)
    repeat_via: Via = Via.EMAIL
    enabled: frozenset[Via] = frozenset(Via)

    def __post_init__(self) -> None:
        if self.sms_per_hour < 1:
            raise InvalidValue("at least one SMS per hour", field="sms_per_hour")
        if self.repeat_every <= timedelta(0):
            raise InvalidValue("must be a positive duration", field="repeat_every")
        missing = [s for s in Severity if s not in self.rules]
        if missing:
            raise InvalidValue(f"no rule for {', '.join(missing)}", field="rules")

    def rule(self, severity: Severity) -> SeverityRule:
        return self.rules[severity]
