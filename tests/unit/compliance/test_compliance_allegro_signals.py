"""Allegro's unfilled-parameter signals as violations (shapes from the OpenAPI spec)."""

from __future__ import annotations

from datetime import date

from omnistock.compliance.allegro_signals import PACK, merge_signals, signal_violations
from omnistock.domain.compliance import check

REQUIRED = [{"id": "1", "parameters": [{"id": "14228"}], "category": {"id": "257931"}}]
PLANNED = [
    {"id": "2", "parameters": [{"id": "500"}, {"id": "600"}], "category": {"id": "257931"}},
]
CHANGES = [
    {
        "scheduledAt": "2026-11-01T10:00:00.000Z",
        "scheduledFor": "2026-12-10T00:00:00.000Z",
        "type": "REQUIREMENT_CHANGE",
        "category": {"id": "257931"},
        "parameter": {"id": "500"},
    }
]
AS_OF = date(2026, 11, 27)


def test_required_now_and_planned_with_and_without_a_date() -> None:
    now, soon = signal_violations(REQUIRED, PLANNED, CHANGES, AS_OF)
    assert [(v.offer, v.rule.id, v.upcoming) for v in now] == [
        ("1", "parameter.required.257931.14228", False)
    ]
    assert [(v.offer, v.rule.id, v.rule.effective_from) for v in soon] == [
        ("2", "parameter.planned.257931.500", date(2026, 12, 10)),
        ("2", "parameter.planned.257931.600", date(2026, 11, 28)),
    ]
    assert "Allegro gave no date" in soon[1].rule.description.en
    assert all(v.pack == PACK and v.channel == "allegro" for v in [*now, *soon])


def test_merge_keeps_only_upcoming_within_the_window() -> None:
    now, soon = signal_violations(REQUIRED, PLANNED, CHANGES, AS_OF)
    report = merge_signals(check([], [], AS_OF, upcoming_days=5), now, soon)
    assert [v.rule.id for v in report.violations] == ["parameter.required.257931.14228"]
    assert [v.rule.id for v in report.upcoming] == ["parameter.planned.257931.600"]
