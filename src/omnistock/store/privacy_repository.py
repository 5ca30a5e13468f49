"""SQL of the privacy area: append audit entries, read them back, and record job runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Engine, select

from omnistock.store.privacy_tables import privacy_audit, privacy_job_runs
from omnistock.store.sql import upsert

__all__ = ["AuditEntry", "audit_entries", "last_run_day", "record_audit", "record_run"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """One audited access to personal data: who, when, how, about whom (keyed hash), counts."""

    at: datetime
    actor: str
    surface: str
    action: str
    identifier_kind: str
    identifier_hash: str
    records: int
    fields: int
    kept: int = 0


def record_audit(conn: Connection, entry: AuditEntry) -> None:
    """Append ``entry`` (in the caller's transaction, with the work it records)."""
    conn.execute(
        privacy_audit.insert().values(
            at=entry.at,
            actor=entry.actor,
            surface=entry.surface,
            action=entry.action,
            identifier_kind=entry.identifier_kind,
            identifier_hash=entry.identifier_hash,
            records=entry.records,
            fields=entry.fields,
            kept=entry.kept,
        )
    )


def audit_entries(engine: Engine) -> list[AuditEntry]:
    """Every audit entry, oldest first."""
    c = privacy_audit.c
    with engine.connect() as conn:
        rows = conn.execute(select(privacy_audit).order_by(c.id)).mappings().all()
    names = AuditEntry.__dataclass_fields__
    return [AuditEntry(**{k: v for k, v in row.items() if k in names}) for row in rows]


def last_run_day(engine: Engine, job: str) -> date | None:
    """The day ``job`` last completed, if ever."""
    c = privacy_job_runs.c
    with engine.connect() as conn:
        day = conn.execute(select(c.last_day).where(c.job == job)).scalar_one_or_none()
    return day if isinstance(day, date) else None


def record_run(engine: Engine, job: str, day: date, now: datetime, summary: str) -> None:
    """Remember that ``job`` completed for ``day`` (at ``now``) with ``summary``."""
    row = {"job": job, "last_day": day, "last_run_at": now, "summary": summary}
    with engine.begin() as conn:
        upsert(conn, privacy_job_runs, [row], keys=["job"])
