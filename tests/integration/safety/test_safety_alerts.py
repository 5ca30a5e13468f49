"""The worker's alerts step: watchdogs, notifications, retries and sending failures."""

from __future__ import annotations

from datetime import timedelta

from safety_support import T0, guarded_worker
from sqlalchemy import Engine, update

from omnistock.domain.incidents import (
    IncidentKind,
    NotificationKind,
    NotificationPolicy,
    Occurrence,
    Severity,
    Via,
)
from omnistock.notify import DeliveryStatus, InMemorySender
from omnistock.service.clock import FixedClock
from omnistock.service.incidents import resolve_incident
from omnistock.store.sync_tables import sync_channels


def _critical(subject: str = "token expired") -> Occurrence:
    return Occurrence(
        kind=IncidentKind.AUTH_FAILURE, severity=Severity.CRITICAL, subject=subject, channel="x"
    )


def test_missing_heartbeat_of_another_worker_is_a_critical_incident(engine: Engine) -> None:
    clock = FixedClock(T0)
    worker, parts, _tick = guarded_worker(engine, {}, clock)
    parts.safety.beat("w-crashed", T0 - timedelta(minutes=20))
    worker.run_once()
    (incident,) = parts.incidents.incidents()
    assert (incident.kind, incident.subject) == (IncidentKind.HEARTBEAT_MISSING, "w-crashed")
    assert parts.safety.heartbeats()["w1"] == T0  # this worker beat


def test_breaker_open_longer_than_the_limit_is_an_incident(engine: Engine) -> None:
    clock = FixedClock(T0)
    worker, parts, _tick = guarded_worker(engine, {}, clock)
    parts.sync.ensure_channel("allegro")
    with engine.begin() as conn:
        conn.execute(
            update(sync_channels).values(
                breaker_status="open", breaker_opened_at=T0 - timedelta(minutes=5)
            )
        )
    worker.run_once()
    assert parts.incidents.incidents() == []  # open 5 min: not yet
    clock.advance(timedelta(minutes=11))
    worker.run_once()
    (incident,) = parts.incidents.incidents()
    assert (incident.kind, incident.channel) == (IncidentKind.BREAKER_OPEN, "allegro")


def test_permanent_sending_failure_becomes_an_incident_reported_elsewhere(engine: Engine) -> None:
    clock = FixedClock(T0)
    sms = InMemorySender(Via.SMS, script=[DeliveryStatus.FAILED])
    mail = InMemorySender(Via.EMAIL)
    worker, parts, _tick = guarded_worker(
        engine, {}, clock, senders={Via.SMS: sms, Via.EMAIL: mail}
    )
    parts.incidents.record([_critical()], now=T0)
    worker.run_once()
    clock.advance(timedelta(seconds=5))
    worker.run_once()
    kinds = {i.kind for i in parts.incidents.incidents()}
    assert kinds == {IncidentKind.AUTH_FAILURE, IncidentKind.NOTIFY_FAILED}
    assert any("notify_failed" in n.text for n in mail.sent)


def test_retryable_failure_waits_for_its_retry_time_and_never_blocks(engine: Engine) -> None:
    clock = FixedClock(T0)
    sms = InMemorySender(Via.SMS, script=[DeliveryStatus.RETRYABLE])
    worker, parts, tick = guarded_worker(engine, {}, clock, senders={Via.SMS: sms})
    parts.incidents.record([_critical()], now=T0)
    worker.run_once()
    assert len(sms.sent) == 1
    assert len(parts.incidents.retries()) == 1
    assert parts.incidents.sent_log() == []
    worker.run_once()  # before the retry time: not tried again
    assert tick.last is not None
    assert tick.last.deferred == 1
    assert len(sms.sent) == 1
    clock.advance(timedelta(minutes=3))
    worker.run_once()
    assert len(sms.sent) == 2
    assert parts.incidents.retries() == {}
    assert [s.via for s in parts.incidents.sent_log()] == [Via.SMS]


def test_resolved_incident_is_announced_once(engine: Engine) -> None:
    clock = FixedClock(T0)
    mail = InMemorySender(Via.EMAIL)
    worker, parts, _tick = guarded_worker(
        engine,
        {},
        clock,
        senders={Via.EMAIL: mail},
        policy=NotificationPolicy(enabled=frozenset({Via.EMAIL})),
    )
    (incident,) = parts.incidents.record([_critical()], now=T0)
    worker.run_once()
    clock.advance(timedelta(minutes=2))
    resolve_incident(parts.incidents, incident.id, by="anna", now=clock.now())
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        worker.run_once()
    kinds = [s.kind for s in parts.incidents.sent_log()]
    assert kinds == [NotificationKind.ALERT, NotificationKind.RESOLVED]
    assert len(mail.sent) == 2
