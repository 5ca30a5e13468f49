"""``IncidentStore``: incidents (the ``incidents`` table), their audit trail, the sent log.

Recording is an atomic fold: the open incident of each key is read under a row lock
(``FOR UPDATE`` on PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), the
occurrences are folded with ``domain.incidents.record_many`` and written back with one upsert,
all in one transaction. Who acknowledged or resolved an incident is kept in
``safety_incident_events`` (the incidents table belongs to order import).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from omnistock.domain.errors import DomainError, ErrorCode
from omnistock.domain.incidents import (
    Incident,
    IncidentKind,
    IncidentState,
    NotificationKind,
    Occurrence,
    SentRecord,
    Severity,
    Via,
    record_many,
)
from omnistock.store.order_tables import incidents
from omnistock.store.rows import utc
from omnistock.store.safety_tables import (
    safety_incident_events,
    safety_notifications,
    safety_notify_retries,
)
from omnistock.store.sql import chunks, upsert

__all__ = [
    "IncidentStore",
    "UnknownIncident",
    "audit_row",
    "incident_from_row",
    "incident_to_row",
    "utc",
]


class UnknownIncident(DomainError):
    """No incident (or hold) with this id (a not-found error, like an unknown listing)."""

    code = ErrorCode.UNKNOWN_LISTING


def audit_row(
    kind: str, subject: str, action: str, actor: str, at: datetime, detail: str = ""
) -> dict[str, Any]:
    return {
        "subject_type": kind,
        "subject_id": subject,
        "action": action,
        "actor": actor,
        "at": at,
        "detail": detail,
    }


class IncidentStore:
    """Every SQL statement about incidents and notifications; each method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pg = engine.dialect.name == "postgresql"

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- incidents --------------------------------------------------------------------------
    def record(
        self, occurrences: Sequence[Occurrence], *, now: datetime, conn: Connection | None = None
    ) -> list[Incident]:
        """Fold occurrences into their open incidents (or open new ones), atomically.

        With ``conn`` the statements run in the caller's open transaction (e.g. a stock import
        that holds its changes: the hold and its incident commit together).
        """
        if not occurrences:
            return []
        if conn is not None:
            return self._record(conn, occurrences, now)
        with self._tx() as tx:
            return self._record(tx, occurrences, now)

    def _record(
        self, conn: Connection, occurrences: Sequence[Occurrence], now: datetime
    ) -> list[Incident]:
        current = self._open_by_key(conn, {o.key for o in occurrences})
        changed = record_many(current, occurrences, now)
        upsert(conn, incidents, [incident_to_row(i) for i in changed.values()], keys=["id"])
        return list(changed.values())

    def _open_by_key(self, conn: Connection, keys: Iterable[str]) -> dict[str, Incident]:
        c = incidents.c
        found: dict[str, Incident] = {}
        for part in chunks(sorted(keys)):
            query = select(incidents).where(
                c.key.in_(part), c.state != IncidentState.RESOLVED.value
            )
            if self._pg:
                query = query.with_for_update()
            for row in conn.execute(query.order_by(c.first_seen)):
                found[row.key] = incident_from_row(row)
        return found

    def get(self, incident_id: str) -> Incident:
        with self._tx() as conn:
            row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
            if row is None:
                raise UnknownIncident(f"no incident {incident_id!r}", field="id")
            return self._with_trail(conn, incident_from_row(row))

    def incidents(
        self, *, states: Sequence[IncidentState] | None = None, since: datetime | None = None
    ) -> list[Incident]:
        c = incidents.c
        query = select(incidents).order_by(c.first_seen, c.id)
        if states is not None:
            query = query.where(c.state.in_([s.value for s in states]))
        if since is not None:
            query = query.where(c.last_seen >= since)
        with self._tx() as conn:
            return [self._with_trail(conn, incident_from_row(r)) for r in conn.execute(query)]

    def save_state(self, incident: Incident, *, actor: str, now: datetime) -> None:
        """Store a lifecycle change (acknowledged/resolved) and audit it."""
        with self._tx() as conn:
            conn.execute(
                incidents.update()
                .where(incidents.c.id == incident.id)
                .values(state=incident.state.value)
            )
            conn.execute(
                insert(safety_incident_events),
                [audit_row("incident", incident.id, incident.state.value, actor, now)],
            )

    def resolve_kinds(
        self,
        kinds: Sequence[str],
        *,
        by: str,
        now: datetime,
        conn: Connection | None = None,
    ) -> int:
        """Resolve every unresolved incident of ``kinds``, audited (as ``save_state`` does).

        With ``conn`` in the caller's open transaction (a hold decision resolves the hold
        incidents in the same transaction). Returns how many were resolved.
        """
        if conn is None:
            with self._tx() as tx:
                return self.resolve_kinds(kinds, by=by, now=now, conn=tx)
        c = incidents.c
        resolved = IncidentState.RESOLVED.value
        ids = list(
            conn.execute(
                select(c.id).where(c.kind.in_(list(kinds)), c.state != resolved).order_by(c.id)
            ).scalars()
        )
        for part in chunks(ids):
            conn.execute(incidents.update().where(c.id.in_(part)).values(state=resolved))
        if ids:
            events = [audit_row("incident", i, resolved, by, now) for i in ids]
            conn.execute(insert(safety_incident_events), events)
        return len(ids)

    def _with_trail(self, conn: Connection, incident: Incident) -> Incident:
        if incident.state is IncidentState.OPEN:
            return incident
        E = safety_incident_events.c
        rows = conn.execute(
            select(E.action, E.actor, E.at)
            .where(E.subject_type == "incident", E.subject_id == incident.id)
            .order_by(E.id)
        ).all()
        trail = {r.action: (r.actor, utc(r.at)) for r in rows}
        ack = trail.get(IncidentState.ACKNOWLEDGED.value, (None, None))
        res = trail.get(IncidentState.RESOLVED.value, (None, None))
        return replace(
            incident,
            acknowledged_by=ack[0],
            acknowledged_at=ack[1],
            resolved_by=res[0],
            resolved_at=res[1],
        )

    def events(self, subject_type: str, subject_id: str) -> list[dict[str, Any]]:
        E = safety_incident_events.c
        query = (
            select(safety_incident_events)
            .where(E.subject_type == subject_type, E.subject_id == subject_id)
            .order_by(E.id)
        )
        with self._tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # -- notifications ----------------------------------------------------------------------
    def sent_log(self) -> list[SentRecord]:
        N = safety_notifications.c
        with self._tx() as conn:
            rows = conn.execute(select(safety_notifications).order_by(N.id)).all()
        return [
            SentRecord(
                key=r.key,
                incident_id=r.incident_id,
                via=Via(r.via),
                kind=NotificationKind(r.kind),
                at=utc(r.at) or datetime.min.replace(tzinfo=UTC),
                count=r._mapping["count"],
            )
            for r in rows
        ]

    def retries(self) -> dict[str, datetime]:
        with self._tx() as conn:
            rows = conn.execute(select(safety_notify_retries)).all()
        return {r.key: utc(r.retry_at) or datetime.min.replace(tzinfo=UTC) for r in rows}

    def store_cycle(
        self, sent: Sequence[SentRecord], retry_at: Mapping[str, datetime], *, done: Iterable[str]
    ) -> None:
        """Append sent-log rows, set retry times, forget retries of delivered keys."""
        with self._tx() as conn:
            if sent:
                conn.execute(insert(safety_notifications), [_sent_row(s) for s in sent])
            finished = [k for k in done if k not in retry_at]
            for part in chunks(finished):
                conn.execute(
                    delete(safety_notify_retries).where(safety_notify_retries.c.key.in_(part))
                )
            rows = [{"key": k, "retry_at": t} for k, t in retry_at.items()]
            upsert(conn, safety_notify_retries, rows, keys=["key"])


def _sent_row(s: SentRecord) -> dict[str, Any]:
    return {
        "key": s.key,
        "incident_id": s.incident_id,
        "via": s.via.value,
        "kind": s.kind.value,
        "at": s.at,
        "count": s.count,
    }


def incident_from_row(row: Any) -> Incident:
    """An ``incidents`` row as the domain value."""
    return Incident(
        id=row.id,
        key=row.key,
        kind=IncidentKind(row.kind),
        severity=Severity(row.severity),
        channel=row.channel,
        subject=row.subject,
        detail=row.detail,
        first_seen=utc(row.first_seen) or datetime.min.replace(tzinfo=UTC),
        last_seen=utc(row.last_seen) or datetime.min.replace(tzinfo=UTC),
        count=row._mapping["count"],
        state=IncidentState(row.state),
    )


def incident_to_row(incident: Incident) -> dict[str, Any]:
    """The domain value as an ``incidents`` row."""
    return {
        "id": incident.id,
        "key": incident.key,
        "kind": incident.kind.value,
        "severity": incident.severity.value,
        "channel": incident.channel,
        "subject": incident.subject,
        "detail": incident.detail,
        "first_seen": incident.first_seen,
        "last_seen": incident.last_seen,
        "count": incident.count,
        "state": incident.state.value,
    }
