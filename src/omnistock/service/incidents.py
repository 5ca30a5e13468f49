"""Use cases of incidents: record occurrences, list, acknowledge, resolve, and the watchdogs.

The watchdogs turn stored engine state into occurrences (``dead_item``, ``breaker_open``,
``heartbeat_missing``, ``stale_source``); recording folds them into de-duplicated incidents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from omnistock.domain.incidents import (
    Incident,
    IncidentKind,
    IncidentState,
    Occurrence,
    Severity,
    acknowledge,
    resolve,
)
from omnistock.domain.incidents.sources import stale_source
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.sync_repository import SyncStore

__all__ = [
    "WatchSettings",
    "acknowledge_incident",
    "breaker_occurrences",
    "dead_item_occurrences",
    "heartbeat_occurrences",
    "list_incidents",
    "resolve_incident",
    "resolve_kind",
    "stale_source_occurrences",
]

UNRESOLVED = (IncidentState.OPEN, IncidentState.ACKNOWLEDGED)


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchSettings:
    """When stored engine state becomes an incident."""

    breaker_after: timedelta = timedelta(minutes=15)
    heartbeat_after: timedelta = timedelta(minutes=5)
    heartbeat_forget: timedelta = timedelta(days=1)
    source_max_age: timedelta | None = None  # None: stale sources are not watched


def list_incidents(store: IncidentStore, *, include_resolved: bool = False) -> list[Incident]:
    return store.incidents(states=None if include_resolved else UNRESOLVED)


def acknowledge_incident(
    store: IncidentStore, incident_id: str, *, by: str, now: datetime
) -> Incident:
    """Someone is on it (escalation stops); audited."""
    done = acknowledge(store.get(incident_id), by=by, now=now)
    store.save_state(done, actor=by, now=now)
    return done


def resolve_incident(store: IncidentStore, incident_id: str, *, by: str, now: datetime) -> Incident:
    """The problem cleared; every sender that announced it says so on the next tick."""
    done = resolve(store.get(incident_id), by=by, now=now)
    store.save_state(done, actor=by, now=now)
    return done


def resolve_kind(
    store: IncidentStore, kinds: Sequence[IncidentKind], *, by: str, now: datetime
) -> int:
    """Resolve every unresolved incident of ``kinds`` (e.g. once no hold is pending)."""
    found = [i for i in store.incidents(states=UNRESOLVED) if i.kind in kinds]
    for incident in found:
        store.save_state(resolve(incident, by=by, now=now), actor=by, now=now)
    return len(found)


def dead_item_occurrences(sync: SyncStore, *, now: datetime) -> list[Occurrence]:
    """Dead items the sync engine recorded since the last look (each taken once)."""
    return [_engine_occurrence(row) for row in sync.unannounced_incidents(now=now)]


PASS_PROBLEMS = {
    "pass_failed": "sync passes failing",
    "pass_stale": "sync pass hung",
    "thread_died": "sync thread died",
}
"""Sync incident kinds the worker records about an account's passes → incident subject."""


def _engine_occurrence(row: Mapping[str, object]) -> Occurrence:
    """A dead item, or an account whose credentials were refused or whose passes fail, hang or
    whose thread died (critical: nothing syncs for that account)."""
    if row["kind"] in PASS_PROBLEMS:
        return Occurrence(
            kind=IncidentKind.PASS_FAILED,
            severity=Severity.CRITICAL,
            subject=PASS_PROBLEMS[str(row["kind"])],
            channel=str(row["channel"]),
            detail=str(row["message"]),
        )
    if row["kind"] == "auth_failure":
        return Occurrence(
            kind=IncidentKind.AUTH_FAILURE,
            severity=Severity.CRITICAL,
            subject="authorisation refused: run `omnistock channel auth`",
            channel=str(row["channel"]),
            detail=str(row["message"]),
        )
    return Occurrence(
        kind=IncidentKind.DEAD_ITEM,
        severity=Severity.ERROR,
        subject=str(row["offer_id"] or "batch"),
        channel=str(row["channel"]),
        detail=str(row["message"]),
    )


def breaker_occurrences(
    sync: SyncStore, *, now: datetime, settings: WatchSettings
) -> list[Occurrence]:
    """Channels whose breaker has been open longer than ``breaker_after``."""
    return [
        Occurrence(
            kind=IncidentKind.BREAKER_OPEN,
            severity=Severity.ERROR,
            subject="breaker open",
            channel=channel,
            detail=f"open since {opened.isoformat(timespec='seconds')}",
        )
        for channel, opened in sync.open_breakers()
        if now - opened > settings.breaker_after
    ]


def heartbeat_occurrences(
    safety: SafetyStore, *, now: datetime, settings: WatchSettings, me: str | None = None
) -> list[Occurrence]:
    """Workers whose heartbeat is older than ``heartbeat_after`` (and not long forgotten)."""
    return [
        Occurrence(
            kind=IncidentKind.HEARTBEAT_MISSING,
            severity=Severity.CRITICAL,
            subject=holder,
            detail=f"last heartbeat {beat.isoformat(timespec='seconds')}",
        )
        for holder, beat in sorted(safety.heartbeats().items())
        if holder != me and settings.heartbeat_after < now - beat < settings.heartbeat_forget
    ]


def stale_source_occurrences(
    safety: SafetyStore, *, now: datetime, settings: WatchSettings
) -> list[Occurrence]:
    """Stock sources with no accepted import within ``source_max_age``, or whose imports stopped
    reporting some SKUs for that long (stale: the last values stay, never 0)."""
    if settings.source_max_age is None:
        return []
    found: list[Occurrence] = []
    for source, last in sorted(safety.sources().items()):
        if now - last > settings.source_max_age:
            counts = safety.feeds(source, accepted_only=True, limit=1)
            found.append(stale_source(source, counts[0].sku_count if counts else 0))
        elif stale := safety.stale_sku_count(source, before=now - settings.source_max_age):
            found.append(stale_source(source, stale))
    return found
