"""Incidents: one record per distinct problem, however many times it happens.

An :class:`Occurrence` is one report of a problem; its de-duplication key is
``kind:channel:subject``. :func:`record` folds occurrences into the :class:`Incident` with the
same key (count, last seen, highest severity) or opens a new one. Lifecycle:
``open`` → ``acknowledged`` → ``resolved``; a problem that comes back after it was resolved
opens a new incident.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.incidents.texts import redact

__all__ = [
    "Incident",
    "IncidentKind",
    "IncidentState",
    "Occurrence",
    "Severity",
    "acknowledge",
    "dedup_key",
    "record",
    "record_many",
    "resolve",
]


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 (info) … 3 (critical), for ordering."""
        return list(Severity).index(self)


class IncidentKind(StrEnum):
    """Where an incident comes from."""

    GUARD_HOLD = "guard_hold"
    HELD_ITEM = "held_item"
    SANITY_ERROR = "sanity_error"
    FEED_REJECTED = "feed_rejected"
    STALE_SOURCE = "stale_source"
    SUSPICIOUS_READ = "suspicious_read"
    DEAD_ITEM = "dead_item"
    BREAKER_OPEN = "breaker_open"
    AUTH_FAILURE = "auth_failure"
    UNLINKED_ORDER = "unlinked_order"
    INVOICE_REJECTED = "invoice_rejected"
    HEARTBEAT_MISSING = "heartbeat_missing"
    PASS_FAILED = "pass_failed"
    """A channel account whose sync passes keep failing, or whose thread hung or died."""
    NOTIFY_FAILED = "notify_failed"
    RULE_UPCOMING = "rule_upcoming"
    """Offers that will break a marketplace rule taking effect soon (one per rule)."""
    RULE_VIOLATION = "rule_violation"
    """Offers breaking a marketplace rule in force (one per rule)."""


class IncidentState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


def dedup_key(kind: IncidentKind, channel: str | None, subject: str) -> str:
    """``kind:channel:subject`` (``-`` for no channel): equal keys are one incident."""
    return f"{kind}:{channel or '-'}:{subject}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    """One report of a problem; ``subject`` and ``detail`` hold ids and numbers only."""

    kind: IncidentKind
    severity: Severity
    subject: str
    channel: str | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        if not self.subject.strip():
            raise InvalidValue("an occurrence needs a subject", field="subject")

    @property
    def key(self) -> str:
        return dedup_key(self.kind, self.channel, self.subject)


@dataclass(frozen=True, slots=True, kw_only=True)
class Incident:
    """A de-duplicated problem; ``id`` is ``key@first_seen`` (unique across re-openings)."""

    id: str
    key: str
    kind: IncidentKind
    severity: Severity
    channel: str | None
    subject: str
    detail: str
    first_seen: datetime
    last_seen: datetime
    count: int = 1
    state: IncidentState = IncidentState.OPEN
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None


def record(existing: Incident | None, occurrence: Occurrence, now: datetime) -> Incident:
    """Fold ``occurrence`` into ``existing`` (same key, not resolved) or open a new incident."""
    if existing is not None and existing.key != occurrence.key:
        raise InvalidValue("occurrence belongs to another incident", field="key")
    if existing is None or existing.state is IncidentState.RESOLVED:
        return _open(occurrence, now)
    severity = max(existing.severity, occurrence.severity, key=lambda s: s.rank)
    return dataclasses.replace(
        existing,
        count=existing.count + 1,
        last_seen=max(existing.last_seen, now),
        severity=severity,
        detail=redact(occurrence.detail) or existing.detail,
    )


def record_many(
    current: Mapping[str, Incident], occurrences: Iterable[Occurrence], now: datetime
) -> dict[str, Incident]:
    """Fold many occurrences; returns the incidents that changed or opened, by key."""
    changed: dict[str, Incident] = {}
    for occurrence in occurrences:
        key = occurrence.key
        changed[key] = record(changed.get(key, current.get(key)), occurrence, now)
    return changed


def acknowledge(incident: Incident, *, by: str, now: datetime) -> Incident:
    """Someone is on it: escalation stops; the resolved message still goes out."""
    if incident.state is not IncidentState.OPEN:
        raise Conflict(f"incident is {incident.state}, not open", field="state")
    return dataclasses.replace(
        incident, state=IncidentState.ACKNOWLEDGED, acknowledged_by=_who(by), acknowledged_at=now
    )


def resolve(incident: Incident, *, by: str, now: datetime) -> Incident:
    """The problem cleared (``by`` is a person or ``system``)."""
    if incident.state is IncidentState.RESOLVED:
        raise Conflict("incident is already resolved", field="state")
    return dataclasses.replace(
        incident, state=IncidentState.RESOLVED, resolved_by=_who(by), resolved_at=now
    )


def _who(by: str) -> str:
    if not by.strip():
        raise InvalidValue("who must be named", field="by")
    return by


def _open(occurrence: Occurrence, now: datetime) -> Incident:
    key = occurrence.key
    return Incident(
        id=f"{key}@{now.isoformat()}",
        key=key,
        kind=occurrence.kind,
        severity=occurrence.severity,
        channel=occurrence.channel,
        subject=redact(occurrence.subject),
        detail=redact(occurrence.detail),
        first_seen=now,
        last_seen=now,
    )
