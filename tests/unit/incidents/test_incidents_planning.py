"""The notification plan: alerts, escalation, quiet hours, the SMS cap, repeats and resolution."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.incidents import (
    Incident,
    IncidentKind,
    Notification,
    NotificationKind,
    NotificationPolicy,
    Occurrence,
    QuietHours,
    SentRecord,
    Severity,
    Via,
    acknowledge,
    plan_notifications,
    record,
    record_many,
    records_for,
    resolve,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
POLICY = NotificationPolicy()


def incident(severity: Severity, subject: str = "x", at: datetime = T0) -> Incident:
    occ = Occurrence(
        kind=IncidentKind.DEAD_ITEM, severity=severity, subject=subject, channel="allegro-main"
    )
    return record(None, occ, at)


def vias(plan: list[Notification], kind: NotificationKind | None = None) -> set[Via]:
    return {n.via for n in plan if kind is None or n.kind is kind}


def sent(plan: list[Notification], at: datetime) -> list[SentRecord]:
    return [r for n in plan for r in records_for(n, at)]


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.CRITICAL, {Via.SMS, Via.EMAIL, Via.WEBHOOK}),  # critical → SMS at once
        (Severity.ERROR, {Via.EMAIL, Via.WEBHOOK}),  # error → e-mail now, SMS later
        (Severity.WARNING, {Via.EMAIL, Via.WEBHOOK}),
        (Severity.INFO, {Via.WEBHOOK}),
    ],
)
def test_first_alert_per_severity(severity: Severity, expected: set[Via]) -> None:
    plan = plan_notifications([incident(severity)], [], T0, POLICY)
    assert vias(plan, NotificationKind.ALERT) == expected


def test_alert_is_sent_once() -> None:
    inc = incident(Severity.CRITICAL)
    plan = plan_notifications([inc], [], T0, POLICY)
    assert plan_notifications([inc], sent(plan, T0), T0 + timedelta(seconds=30), POLICY) == []


def test_error_escalates_to_sms_after_ten_minutes_unless_acknowledged() -> None:
    inc = incident(Severity.ERROR)
    log = sent(plan_notifications([inc], [], T0, POLICY), T0)
    assert plan_notifications([inc], log, T0 + timedelta(minutes=9), POLICY) == []
    later = plan_notifications([inc], log, T0 + timedelta(minutes=10), POLICY)
    assert [(n.via, n.kind) for n in later] == [(Via.SMS, NotificationKind.ESCALATION)]
    acked = acknowledge(inc, by="anna", now=T0 + timedelta(minutes=5))
    assert plan_notifications([acked], log, T0 + timedelta(minutes=10), POLICY) == []


def test_quiet_hours_hold_back_sms_but_not_critical() -> None:
    quiet = QuietHours(start=time(22, 0), end=time(7, 0))
    policy = NotificationPolicy(quiet_hours=quiet)
    night = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    err = incident(Severity.ERROR, at=night - timedelta(minutes=20))
    log = sent(plan_notifications([err], [], night - timedelta(minutes=20), policy), night)
    assert plan_notifications([err], log, night, policy) == []  # escalation SMS waits
    morning = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
    assert vias(plan_notifications([err], log, morning, policy)) == {Via.SMS}
    crit = incident(Severity.CRITICAL, "y", at=night)
    assert Via.SMS in vias(plan_notifications([crit], [], night, policy))


@pytest.mark.parametrize(
    ("start", "end", "at", "active"),
    [
        (time(22), time(7), time(23), True),  # wraps midnight, late evening
        (time(22), time(7), time(6, 59), True),  # wraps midnight, early morning
        (time(22), time(7), time(7), False),  # end is exclusive
        (time(12), time(14), time(13), True),  # same-day window
        (time(12), time(14), time(15), False),
    ],
)
def test_quiet_hours_window(start: time, end: time, at: time, active: bool) -> None:
    now = datetime.combine(T0.date(), at, tzinfo=UTC)
    assert QuietHours(start=start, end=end).active(now) is active


def test_sms_cap_sends_a_digest_of_the_rest() -> None:
    policy = NotificationPolicy(sms_per_hour=3)
    incidents = [incident(Severity.CRITICAL, f"s{i}") for i in range(7)]
    plan = plan_notifications(incidents, [], T0, policy)
    sms = [n for n in plan if n.via is Via.SMS]
    assert [n.kind for n in sms] == [NotificationKind.ALERT] * 2 + [NotificationKind.DIGEST]
    assert len(sms[-1].incident_ids) == 5
    assert "5 more alerts" in sms[-1].text
    # within the same hour no SMS slot is left; e-mails went out for all
    log = sent(plan, T0)
    more = [incident(Severity.CRITICAL, "late", at=T0 + timedelta(minutes=5))]
    assert vias(plan_notifications(more, log, T0 + timedelta(minutes=5), policy)) == {
        Via.EMAIL,
        Via.WEBHOOK,
    }
    # an hour later the held-back SMS goes out
    later = plan_notifications(more, log, T0 + timedelta(minutes=61), policy)
    assert vias(later) == {Via.SMS, Via.EMAIL, Via.WEBHOOK}


def test_thousand_identical_failures_one_sms_one_digest_update() -> None:
    occ = Occurrence(
        kind=IncidentKind.DEAD_ITEM, severity=Severity.CRITICAL, subject="batch", channel="shop"
    )
    current: dict[str, Incident] = {}
    log: list[SentRecord] = []
    notifications: list[Notification] = []
    for i in range(1000):
        now = T0 + timedelta(seconds=5 * i)  # 1000 failures over ~83 minutes
        current.update(record_many(current, [occ], now))
        plan = plan_notifications(list(current.values()), log, now, POLICY)
        notifications += plan
        log += sent(plan, now)
    (inc,) = current.values()
    assert inc.count == 1000
    sms = [n for n in notifications if n.via is Via.SMS]
    assert len(sms) == 1
    repeats = [n for n in notifications if n.kind is NotificationKind.REPEATED]
    assert len(repeats) == 1  # one update after the repeat interval, by e-mail
    assert repeats[0].via is Via.EMAIL
    assert repeats[0].counts[0] > 700


def test_resolved_message_through_every_sender_that_announced() -> None:
    inc = incident(Severity.CRITICAL)
    log = sent(plan_notifications([inc], [], T0, POLICY), T0)
    done = resolve(inc, by="system", now=T0 + timedelta(minutes=3))
    plan = plan_notifications([done], log, T0 + timedelta(minutes=3), POLICY)
    assert vias(plan, NotificationKind.RESOLVED) == {Via.SMS, Via.EMAIL, Via.WEBHOOK}
    assert all("RESOLVED" in n.subject for n in plan)
    log += sent(plan, T0 + timedelta(minutes=3))
    assert plan_notifications([done], log, T0 + timedelta(minutes=4), POLICY) == []


def test_resolved_before_any_alert_sends_nothing() -> None:
    done = resolve(incident(Severity.WARNING), by="system", now=T0)
    assert plan_notifications([done], [], T0, POLICY) == []


def test_disabled_senders_are_skipped() -> None:
    policy = NotificationPolicy(enabled=frozenset({Via.EMAIL}))
    plan = plan_notifications([incident(Severity.CRITICAL)], [], T0, policy)
    assert vias(plan) == {Via.EMAIL}


def test_sms_text_is_short_ascii_without_personal_data() -> None:
    occ = Occurrence(
        kind=IncidentKind.UNLINKED_ORDER,
        severity=Severity.CRITICAL,
        subject="zamówienie ąęśćżźół " * 10,
        channel="allegro-main",
        detail="kupujący anna@example.pl",
    )
    inc = record(None, occ, T0)
    (sms,) = [n for n in plan_notifications([inc], [], T0, POLICY) if n.via is Via.SMS]
    assert len(sms.text) <= 160
    assert sms.text.isascii()
    assert "anna@" not in sms.text


def test_email_body_names_the_incident_and_how_to_acknowledge() -> None:
    inc = dataclasses.replace(incident(Severity.WARNING), count=7)
    (mail,) = [n for n in plan_notifications([inc], [], T0, POLICY) if n.via is Via.EMAIL]
    assert "Occurrences: 7" in mail.text
    assert "omnistock incidents ack" in mail.text
    assert mail.key.endswith("/email/alert")


@settings(max_examples=60, deadline=None)
@given(
    arrivals=st.lists(
        st.tuples(st.integers(0, 180), st.sampled_from(list(Severity))), min_size=1, max_size=40
    ),
    cap=st.integers(1, 6),
)
def test_never_more_sms_than_the_cap_in_any_rolling_hour(arrivals, cap) -> None:
    policy = NotificationPolicy(sms_per_hour=cap)
    incidents: dict[str, Incident] = {}
    log: list[SentRecord] = []
    sms_times: list[datetime] = []
    for minute in range(0, 181, 1):
        now = T0 + timedelta(minutes=minute)
        for i, (at, severity) in enumerate(arrivals):
            if at == minute:
                inc = incident(severity, f"s{i}", at=now)
                incidents[inc.key] = inc
        plan = plan_notifications(list(incidents.values()), log, now, policy)
        log += sent(plan, now)
        sms_times += [now for n in plan if n.via is Via.SMS]
    for start in sms_times:
        window = [t for t in sms_times if start <= t < start + timedelta(hours=1)]
        assert len(window) <= cap
    # every critical incident was eventually announced by SMS (alone or in a digest)
    covered = {r.incident_id for r in log if r.via is Via.SMS}
    late = T0 + timedelta(minutes=120)
    for inc in incidents.values():
        if inc.severity is Severity.CRITICAL and inc.first_seen <= late:
            assert inc.id in covered
