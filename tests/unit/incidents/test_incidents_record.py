"""Incident de-duplication and lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.incidents import (
    IncidentKind,
    IncidentState,
    Occurrence,
    Severity,
    acknowledge,
    record,
    record_many,
    resolve,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def dead(offer: str = "batch", severity: Severity = Severity.ERROR) -> Occurrence:
    return Occurrence(
        kind=IncidentKind.DEAD_ITEM, severity=severity, subject=offer, channel="allegro-main"
    )


def test_thousand_identical_failures_are_one_incident_with_count() -> None:
    changed = record_many({}, [dead()] * 1000, T0)
    (incident,) = changed.values()
    assert incident.count == 1000
    assert incident.first_seen == T0
    assert incident.key == "dead_item:allegro-main:batch"


def test_record_counts_and_keeps_first_seen() -> None:
    first = record(None, dead(), T0)
    again = record(first, dead(severity=Severity.CRITICAL), T0 + timedelta(minutes=5))
    assert (again.count, again.first_seen, again.last_seen) == (2, T0, T0 + timedelta(minutes=5))
    assert again.severity is Severity.CRITICAL  # the highest severity seen wins
    assert again.id == first.id


def test_different_subjects_are_different_incidents() -> None:
    changed = record_many({}, [dead("A"), dead("B"), dead("A")], T0)
    assert sorted(i.count for i in changed.values()) == [1, 2]


def test_problem_returning_after_resolution_opens_a_new_incident() -> None:
    resolved = resolve(record(None, dead(), T0), by="system", now=T0 + timedelta(hours=1))
    reopened = record(resolved, dead(), T0 + timedelta(hours=2))
    assert reopened.state is IncidentState.OPEN
    assert reopened.count == 1
    assert reopened.id != resolved.id


def test_lifecycle_open_acknowledged_resolved() -> None:
    incident = record(None, dead(), T0)
    acked = acknowledge(incident, by="anna", now=T0 + timedelta(minutes=2))
    assert (acked.state, acked.acknowledged_by) == (IncidentState.ACKNOWLEDGED, "anna")
    with pytest.raises(Conflict):
        acknowledge(acked, by="anna", now=T0)
    done = resolve(acked, by="anna", now=T0 + timedelta(minutes=9))
    assert done.state is IncidentState.RESOLVED
    with pytest.raises(Conflict):
        resolve(done, by="anna", now=T0)


def test_occurrence_of_another_incident_is_refused() -> None:
    with pytest.raises(InvalidValue):
        record(record(None, dead("A"), T0), dead("B"), T0)
    with pytest.raises(InvalidValue):
        Occurrence(kind=IncidentKind.DEAD_ITEM, severity=Severity.INFO, subject=" ")


def test_personal_data_is_redacted_from_incident_texts() -> None:
    occ = Occurrence(
        kind=IncidentKind.UNLINKED_ORDER,
        severity=Severity.WARNING,
        subject="order 123",
        detail="buyer jan.kowalski@example.pl, tel. +48 600 100 200, offer 12345678901",
    )
    incident = record(None, occ, T0)
    assert "kowalski" not in incident.detail
    assert "600 100 200" not in incident.detail
    assert "12345678901" in incident.detail  # ids stay
