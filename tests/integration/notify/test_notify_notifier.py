"""The notifier: retries with backoff, never raises, records; and a plan delivered end to end."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest
from notify_support import make_notification

from omnistock.domain.incidents import (
    IncidentKind,
    NotificationPolicy,
    Occurrence,
    Severity,
    Via,
    plan_notifications,
    record,
)
from omnistock.notify import (
    DeliveryStatus,
    InMemorySender,
    Notifier,
    SendRetry,
    SmsapiSender,
    SmsapiSettings,
    SmtpSecurity,
    SmtpSender,
    SmtpSettings,
)
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.smsapi.app import create_app

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
R, F, S = DeliveryStatus.RETRYABLE, DeliveryStatus.FAILED, DeliveryStatus.SENT


@pytest.mark.parametrize(
    ("script", "status", "attempts", "sleeps"),
    [
        ([S], S, 1, []),  # first try works
        ([R, S], S, 2, [0.5]),  # one retry after 0.5 s
        ([R, R, R], R, 3, [0.5, 1.0]),  # gives up after 3 attempts, retry later
        ([F], F, 1, []),  # permanent: no retry
        ([R, F], F, 2, [0.5]),  # permanent after a transient one
    ],
)
def test_retries_with_backoff(script, status, attempts, sleeps) -> None:
    slept: list[float] = []
    sender = InMemorySender(Via.SMS, script)
    notifier = Notifier({Via.SMS: sender}, sleep=slept.append)
    rec = notifier.deliver(make_notification(Via.SMS), NOW)
    assert (rec.status, rec.attempts, slept) == (status, attempts, sleeps)
    assert (rec.retry_at is not None) is (status is R)
    assert bool(rec.sent_records()) is (status is not R)


def test_backoff_is_capped() -> None:
    retry = SendRetry(base_s=1, factor=10, max_s=4)
    assert [retry.delay_s(n) for n in (1, 2, 3)] == [1, 4, 4]


def test_failures_never_raise_and_are_recorded() -> None:
    class Crashing:
        via = Via.EMAIL

        def send(self, notification):
            raise RuntimeError("bug")

    records = []

    def broken_store(record) -> None:
        records.append(record)
        raise ConnectionError("database down")

    notifier = Notifier({Via.EMAIL: Crashing()}, sleep=lambda s: None, on_record=broken_store)
    crashed = notifier.deliver(make_notification(Via.EMAIL), NOW)
    assert crashed.status is F
    assert "RuntimeError" in crashed.results[-1].detail
    missing = notifier.deliver(make_notification(Via.WEBHOOK), NOW)
    assert missing.results[-1].detail == "no sender configured"
    assert len(records) == 2
    failure = crashed.failure()
    assert failure is not None
    assert failure.kind is IncidentKind.NOTIFY_FAILED


def test_plan_delivered_to_real_sms_and_smtp_within_seconds(serve, smtp_server) -> None:
    inbox, port = smtp_server()
    server = serve(create_app(SandboxOptions()))
    sms = SmsapiSender(
        SmsapiSettings(token="omnistock-sandbox", recipients=("48600100200",), base_url=server.url)
    )
    mail = SmtpSender(
        SmtpSettings(
            host="127.0.0.1",
            port=port,
            security=SmtpSecurity.PLAIN,
            sender="alerts@omnistock.example",
            recipients=("owner@shop.example",),
        )
    )
    occ = Occurrence(
        kind=IncidentKind.GUARD_HOLD,
        severity=Severity.CRITICAL,
        subject="change-set",
        channel="allegro-main",
        detail="500 changes held: 500 of 500 active listings would drop without orders",
    )
    incident = record(None, occ, NOW)
    policy = NotificationPolicy(enabled=frozenset({Via.SMS, Via.EMAIL}))
    started = time.monotonic()
    plan = plan_notifications([incident], [], NOW, policy)
    records = Notifier({Via.SMS: sms, Via.EMAIL: mail}).deliver_all(plan, NOW)
    assert inbox.arrived.wait(5)
    elapsed = time.monotonic() - started
    sms.close()
    assert [r.status for r in records] == [S, S]
    assert elapsed < 5
    with httpx.Client(base_url=server.url) as admin:
        (message,) = admin.get("/_sandbox/messages").json()
    assert "CRITICAL guard_hold allegro-main change-set" in message["message"]
    assert len(message["message"]) <= 160
    assert "500 changes held" in inbox.messages[0].content.decode()
