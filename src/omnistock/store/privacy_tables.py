"""Tables of the privacy area: the audit log of data-subject requests and the job-run record.

- ``privacy_audit`` — one row per export, erasure or read of personal data: who, when, through
  which surface, the **keyed hash** of the identifier asked about (never the identifier itself)
  and counts. It holds no personal value in clear.
- ``privacy_job_runs`` — per job name, the last day it ran (so a job called on every worker tick
  does its work once a day) and its last summary.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Text

from omnistock.store.tables import metadata

__all__ = ["privacy_audit", "privacy_job_runs"]

TS = DateTime(timezone=True)

privacy_audit = Table(
    "privacy_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TS, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("surface", String(16), nullable=False),
    Column("action", String(16), nullable=False),
    Column("identifier_kind", String(16), nullable=False),
    Column("identifier_hash", String(64), nullable=False),
    Column("records", Integer, nullable=False),
    Column("fields", Integer, nullable=False),
    Column("kept", Integer, nullable=False),
    Index("ix_privacy_audit_at", "at"),
)

privacy_job_runs = Table(
    "privacy_job_runs",
    metadata,
    Column("job", String(64), primary_key=True),
    Column("last_day", Date, nullable=False),
    Column("last_run_at", TS, nullable=False),
    Column("summary", Text, nullable=False),
)
