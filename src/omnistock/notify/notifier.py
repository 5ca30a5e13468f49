"""The notifier: sends planned notifications through the right sender, retries, records.

``Notifier.deliver`` never raises into the worker. A retryable failure is tried again up to
``SendRetry.attempts`` times with a short backoff (``base_s · factor^(n−1)``, at most
``max_s``); if it still fails, the record says ``retry_at`` and carries no sent-log rows, so the
next plan offers it again. A permanent failure (bad token, invalid numbers, 5xx SMTP reply) is
recorded as handled and raises a ``notify_failed`` occurrence, so another sender reports it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from omnistock.domain.incidents import (
    IncidentKind,
    Notification,
    Occurrence,
    SentRecord,
    Severity,
    Via,
    records_for,
)
from omnistock.notify.result import DeliveryResult, DeliveryStatus, Sender

__all__ = ["DeliveryRecord", "Notifier", "SendRetry"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class SendRetry:
    """In-call attempts with backoff, then ``later`` until the next try."""

    attempts: int = 3
    base_s: float = 0.5
    factor: float = 2.0
    max_s: float = 4.0
    later: timedelta = timedelta(minutes=2)

    def delay_s(self, failed_attempts: int) -> float:
        """Seconds to wait after ``failed_attempts`` (≥ 1) failures."""
        return float(min(self.max_s, self.base_s * self.factor ** max(0, failed_attempts - 1)))


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryRecord:
    """Every attempt for one notification and what it means for the sent log."""

    notification: Notification
    results: tuple[DeliveryResult, ...]
    finished_at: datetime
    retry_at: datetime | None = None

    @property
    def status(self) -> DeliveryStatus:
        return self.results[-1].status

    @property
    def attempts(self) -> int:
        return len(self.results)

    def sent_records(self) -> list[SentRecord]:
        """Rows for the sent log: none while a retry is pending."""
        if self.status is DeliveryStatus.RETRYABLE:
            return []
        return records_for(self.notification, self.finished_at)

    def failure(self) -> Occurrence | None:
        """A ``notify_failed`` occurrence for a permanent failure or rejected recipients."""
        last = self.results[-1]
        if last.status is DeliveryStatus.RETRYABLE or (last.ok and not last.rejected):
            return None
        subject = f"{last.via} {'rejected recipients' if last.ok else 'failed'}"
        return Occurrence(
            kind=IncidentKind.NOTIFY_FAILED,
            severity=Severity.ERROR,
            subject=subject,
            detail=last.detail,
        )


class Notifier:
    """Routes each notification to the sender for its ``via``."""

    def __init__(
        self,
        senders: Mapping[Via, Sender],
        *,
        retry: SendRetry | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_record: Callable[[DeliveryRecord], None] | None = None,
    ) -> None:
        self.senders = dict(senders)
        self.retry = retry or SendRetry()
        self._sleep = sleep
        self._on_record = on_record

    def deliver_all(
        self, notifications: Iterable[Notification], now: datetime
    ) -> list[DeliveryRecord]:
        return [self.deliver(n, now) for n in notifications]

    def deliver(self, notification: Notification, now: datetime) -> DeliveryRecord:
        """Send with in-call retries; the record is also passed to ``on_record``."""
        results = self._attempts(notification)
        retry_at = (
            now + self.retry.later if results[-1].status is DeliveryStatus.RETRYABLE else None
        )
        record = DeliveryRecord(
            notification=notification, results=tuple(results), finished_at=now, retry_at=retry_at
        )
        self._record(record)
        return record

    def _attempts(self, notification: Notification) -> list[DeliveryResult]:
        results: list[DeliveryResult] = []
        while True:
            result = self._send_once(notification)
            results.append(result)
            if result.status is not DeliveryStatus.RETRYABLE or len(results) >= self.retry.attempts:
                return results
            self._sleep(self.retry.delay_s(len(results)))

    def _send_once(self, notification: Notification) -> DeliveryResult:
        sender = self.senders.get(notification.via)
        if sender is None:
            return DeliveryResult(
                via=notification.via, status=DeliveryStatus.FAILED, detail="no sender configured"
            )
        try:
            return sender.send(notification)
        except Exception as exc:  # a sender bug must not stop the worker
            log.exception("sender %s crashed", notification.via)
            return DeliveryResult(
                via=notification.via,
                status=DeliveryStatus.FAILED,
                detail=f"sender crashed: {type(exc).__name__}",
            )

    def _record(self, record: DeliveryRecord) -> None:
        if self._on_record is None:
            return
        try:
            self._on_record(record)
        except Exception:
            log.exception("recording delivery %s failed", record.notification.key)
