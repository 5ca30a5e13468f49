"""New upcoming violations become one alert per rule, with the count."""

from __future__ import annotations

from datetime import date

from omnistock.domain.compliance import ListingContent, check, parse_pack, upcoming_alerts
from omnistock.domain.compliance.alerts import violation_key


def _pack() -> object:
    rule = {
        "severity": "error",
        "source": "https://example.org",
        "description": {"pl": "x", "en": "x"},
    }
    return parse_pack(
        {
            "pack": "allegro",
            "channel": "allegro",
            "version": "1",
            "rules": [
                {**rule, "id": "soon", "effective_from": "2026-07-22",
                 "check": {"type": "present", "field": "shipping.type"}},
                {**rule, "id": "later", "effective_from": "2026-07-30",
                 "check": {"type": "present", "field": "title"}},
            ],
        }
    )  # fmt: skip


LISTINGS = [ListingContent(offer=str(n), channel="allegro") for n in range(3)]


def test_one_alert_per_rule_with_the_count_in_date_order() -> None:
    report = check(LISTINGS, [_pack()], date(2026, 7, 1), upcoming_days=30)
    alerts = upcoming_alerts(report)
    assert [(a.rule, a.count) for a in alerts] == [("soon", 3), ("later", 3)]
    assert alerts[0].subject == "rule allegro/soon"
    assert alerts[0].detail == "3 offers break soon from 2026-07-22"
    assert alerts[0].offers == ("0", "1", "2")


def test_already_known_violations_are_not_alerted_again() -> None:
    report = check(LISTINGS, [_pack()], date(2026, 7, 1), upcoming_days=30)
    known = {violation_key(v) for v in report.upcoming if v.offer != "2"}
    alerts = upcoming_alerts(report, known)
    assert [(a.rule, a.count, a.offers) for a in alerts] == [
        ("soon", 1, ("2",)),
        ("later", 1, ("2",)),
    ]
    assert upcoming_alerts(report, {violation_key(v) for v in report.upcoming}) == []


def test_rules_outside_the_window_raise_nothing() -> None:
    report = check(LISTINGS, [_pack()], date(2026, 7, 1), upcoming_days=25)
    assert [a.rule for a in upcoming_alerts(report)] == ["soon"]


def test_alert_becomes_an_incident_occurrence_of_the_given_kind() -> None:
    from omnistock.domain.compliance import to_occurrence
    from omnistock.domain.incidents import IncidentKind, Severity, record

    report = check(LISTINGS, [_pack()], date(2026, 7, 1), upcoming_days=30)
    alert = upcoming_alerts(report)[0]
    kind = IncidentKind.RULE_UPCOMING
    occurrence = to_occurrence(alert)
    assert occurrence.kind is kind
    assert occurrence.severity is Severity.WARNING  # an error rule that does not bite yet
    assert occurrence.channel == "allegro"
    assert occurrence.subject == "rule allegro/soon"
    assert occurrence.detail == "3 offers break soon from 2026-07-22"
    from datetime import UTC, datetime

    incident = record(None, occurrence, datetime(2026, 7, 1, tzinfo=UTC))
    assert incident.key == f"{kind}:allegro:rule allegro/soon"


def _severity_pack() -> object:
    def rule(rule_id: str, severity: str, start: str) -> dict[str, object]:
        return {"id": rule_id, "severity": severity, "effective_from": start,
                "source": "https://example.org", "description": {"pl": "x", "en": "x"},
                "check": {"type": "present", "field": "title"}}  # fmt: skip

    return parse_pack(
        {"pack": "p", "channel": "allegro", "version": "1", "rules": [
            rule("err-now", "error", "2026-01-01"), rule("warn-now", "warning", "2026-01-01"),
            rule("info-now", "info", "2026-01-01"), rule("err-soon", "error", "2026-07-10"),
            rule("info-soon", "info", "2026-07-10")]}
    )  # fmt: skip


def test_kinds_and_severities_upcoming_warns_in_force_follows_the_rule() -> None:
    from omnistock.domain.compliance import to_occurrence, violation_alerts
    from omnistock.domain.incidents import IncidentKind, Severity

    report = check(LISTINGS, [_severity_pack()], date(2026, 7, 1), upcoming_days=30)
    found = {
        a.rule: (o.kind, o.severity)
        for a in [*violation_alerts(report), *upcoming_alerts(report)]
        for o in [to_occurrence(a)]
    }
    assert found == {
        "err-now": (IncidentKind.RULE_VIOLATION, Severity.ERROR),
        "warn-now": (IncidentKind.RULE_VIOLATION, Severity.WARNING),
        "info-now": (IncidentKind.RULE_VIOLATION, Severity.INFO),
        "err-soon": (IncidentKind.RULE_UPCOMING, Severity.WARNING),
        "info-soon": (IncidentKind.RULE_UPCOMING, Severity.INFO),
    }
    in_force = violation_alerts(report)[0]
    assert in_force.detail == "3 offers break err-now, in force since 2026-01-01"


def test_same_rule_and_offers_are_one_incident_and_new_offers_add_to_it() -> None:
    from datetime import UTC, datetime

    from omnistock.domain.compliance import daily_run, to_occurrence
    from omnistock.domain.incidents import record_many

    now = datetime(2026, 7, 1, 6, tzinfo=UTC)
    packs = [_pack()]
    day = date(2026, 7, 1)
    first = daily_run(LISTINGS[:2], packs, day, known_violations=frozenset())
    incidents = record_many({}, [to_occurrence(a) for a in first.all_alerts], now)
    assert sorted(i.subject for i in incidents.values()) == [
        "rule allegro/later",
        "rule allegro/soon",
    ]
    same = daily_run(LISTINGS[:2], packs, day, first.known, known_violations=first.known_violations)
    assert same.all_alerts == ()  # same rule, same offers: nothing new to say
    more = daily_run(LISTINGS, packs, day, same.known, known_violations=same.known_violations)
    assert [a.detail for a in more.alerts] == [
        "1 new offers (3 in all) break soon from 2026-07-22",
        "1 new offers (3 in all) break later from 2026-07-30",
    ]
    changed = record_many(incidents, [to_occurrence(a) for a in more.alerts], now)
    assert set(changed) == set(incidents)  # the same incidents, counted again
    assert {i.count for i in changed.values()} == {2}


def test_a_rule_coming_into_force_is_reported_again_as_a_violation() -> None:
    from omnistock.domain.compliance import daily_run
    from omnistock.domain.incidents import IncidentKind

    packs = [_pack()]
    before = daily_run(LISTINGS, packs, date(2026, 7, 21), known_violations=frozenset())
    assert [(a.rule, a.kind) for a in before.all_alerts] == [
        ("soon", IncidentKind.RULE_UPCOMING),
        ("later", IncidentKind.RULE_UPCOMING),
    ]
    after = daily_run(
        LISTINGS, packs, date(2026, 7, 22), before.known, known_violations=before.known_violations
    )
    assert [(a.rule, a.kind, a.count) for a in after.all_alerts] == [
        ("soon", IncidentKind.RULE_VIOLATION, 3)
    ]
