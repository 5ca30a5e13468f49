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
    kind = next(iter(IncidentKind))  # no marketplace-rule kind exists yet; any kind will do
    occurrence = to_occurrence(alert, kind)
    assert occurrence.severity is Severity.WARNING  # an error rule that does not bite yet
    assert occurrence.channel == "allegro"
    assert occurrence.subject == "rule allegro/soon"
    assert occurrence.detail == "3 offers break soon from 2026-07-22"
    from datetime import UTC, datetime

    incident = record(None, occurrence, datetime(2026, 7, 1, tzinfo=UTC))
    assert incident.key == f"{kind}:allegro:rule allegro/soon"
