"""One notification cycle for the worker: plan, skip what waits for a retry, deliver, report.

Storage stays with the caller: it passes the incidents, the sent log and the pending retry
times in, and stores what comes out (new sent-log rows, retry times, ``notify_failed``
occurrences to fold into incidents).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from omnistock.domain.incidents import (
    Incident,
    Notification,
    NotificationKind,
    NotificationPolicy,
    Occurrence,
    SentRecord,
    Severity,
    Via,
    plan_notifications,
)
from omnistock.notify.notifier import DeliveryRecord, Notifier

__all__ = ["CycleResult", "notify_once", "probe_notification"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CycleResult:
    """What one cycle did: deliveries, rows for the sent log, retries and failures to record."""

    records: tuple[DeliveryRecord, ...]
    sent: tuple[SentRecord, ...]
    retry_at: Mapping[str, datetime]
    failures: tuple[Occurrence, ...]
    deferred: int


def notify_once(
    incidents: Sequence[Incident],
    sent_log: Sequence[SentRecord],
    now: datetime,
    policy: NotificationPolicy,
    notifier: Notifier,
    *,
    not_before: Mapping[str, datetime] | None = None,
) -> CycleResult:
    """Plan at ``now``, deliver what is due (``not_before``: key → earliest retry time)."""
    waiting = not_before or {}
    plan = plan_notifications(incidents, sent_log, now, policy)
    due = [n for n in plan if waiting.get(n.key, now) <= now]
    records = tuple(notifier.deliver_all(due, now))
    return CycleResult(
        records=records,
        sent=tuple(row for r in records for row in r.sent_records()),
        retry_at={r.notification.key: r.retry_at for r in records if r.retry_at is not None},
        failures=tuple(f for r in records if (f := r.failure()) is not None),
        deferred=len(plan) - len(due),
    )


def probe_notification(via: Via, now: datetime) -> Notification:
    """The message ``omnistock notify test --via …`` sends (no incident behind it)."""
    stamp = now.isoformat(timespec="seconds")
    return Notification(
        key=f"test/{via}/{stamp}",
        via=via,
        kind=NotificationKind.ALERT,
        severity=Severity.INFO,
        incident_ids=(),
        counts=(),
        subject="[omnistock] test message",
        text=f"[omnistock] test message sent {stamp} via {via}. Alerts reach you here.",
    )
