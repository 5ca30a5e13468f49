"""One worker cycle: plan, skip what waits for a retry, deliver, report failures and rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from omnistock.domain.incidents import (
    IncidentKind,
    NotificationPolicy,
    Occurrence,
    Severity,
    Via,
    record,
)
from omnistock.notify import (
    DeliveryStatus,
    InMemorySender,
    Notifier,
    notify_once,
    probe_notification,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
R, F = DeliveryStatus.RETRYABLE, DeliveryStatus.FAILED


def critical():
    occ = Occurrence(kind=IncidentKind.AUTH_FAILURE, severity=Severity.CRITICAL, subject="token",
                     channel="allegro-main")  # fmt: skip
    return record(None, occ, NOW)


def test_cycle_retries_later_and_reports_permanent_failures() -> None:
    sms = InMemorySender(Via.SMS, [R, R, R])  # SMSAPI busy for the whole first cycle
    mail = InMemorySender(Via.EMAIL, [F])  # e-mail refused for good
    hook = InMemorySender(Via.WEBHOOK)
    notifier = Notifier({Via.SMS: sms, Via.EMAIL: mail, Via.WEBHOOK: hook}, sleep=lambda s: None)
    incident = critical()
    first = notify_once([incident], [], NOW, NotificationPolicy(), notifier)
    assert {r.via for r in first.sent} == {Via.EMAIL, Via.WEBHOOK}  # handled, even if failed
    assert list(first.retry_at) == [f"{incident.id}/sms/alert"]
    assert [f.kind for f in first.failures] == [IncidentKind.NOTIFY_FAILED]
    # before the retry time nothing is sent again
    soon = notify_once([incident], list(first.sent), NOW + timedelta(seconds=30),
                       NotificationPolicy(), notifier, not_before=first.retry_at)  # fmt: skip
    assert (soon.records, soon.deferred) == ((), 1)
    # at the retry time the SMS goes out
    later = NOW + timedelta(minutes=2)
    third = notify_once([incident], list(first.sent), later, NotificationPolicy(), notifier,
                        not_before=first.retry_at)  # fmt: skip
    assert [r.via for r in third.sent] == [Via.SMS]
    assert len(sms.sent) == 4


def test_probe_notification_is_short_and_names_the_sender() -> None:
    probe = probe_notification(Via.SMS, NOW)
    assert "via sms" in probe.text
    assert len(probe.text) <= 160
    assert probe.incident_ids == ()
