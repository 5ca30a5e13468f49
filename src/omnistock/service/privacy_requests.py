"""Data-subject requests with their audit: export or erase a person's data, and record it.

Every call appends one ``privacy_audit`` entry: who asked (``actor``), through which surface
(``cli``/``api``), when, the keyed hash of the identifier (never the identifier itself) and
counts. An unknown person is audited too (0 records) and answered "nothing held".
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Engine

from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import (
    ErasureReport,
    SubjectExport,
    SubjectQuery,
    erase_subject,
    export_subject,
)
from omnistock.store.privacy_repository import AuditEntry, record_audit

__all__ = ["erase_person", "export_person", "identifier_hash"]


def identifier_hash(sealer: Sealer, query: SubjectQuery) -> tuple[str, str]:
    """(kinds, keyed hash) naming the person asked about, for the audit log."""
    given = list(query.identifiers())
    digests = [sealer.hasher.stored_digest(kind, value) for kind, value in given]
    kinds = "+".join(kind.value for kind, _ in given)
    if len(digests) == 1:
        return kinds, digests[0]
    return kinds, hashlib.sha256("\x00".join(digests).encode("ascii")).hexdigest()


def export_person(
    engine: Engine, sealer: Sealer, query: SubjectQuery, now: datetime, *, actor: str, surface: str
) -> SubjectExport:
    """Everything held about the person (decrypted), with an audit entry."""
    export = export_subject(engine, sealer, query, now)
    fields = sum(len(record.fields) for record in export.records)
    _audit(engine, sealer, query, now, actor, surface, "export", len(export.records), fields, 0)
    return export


def erase_person(
    engine: Engine, sealer: Sealer, query: SubjectQuery, now: datetime, *, actor: str, surface: str
) -> ErasureReport:
    """Erase what the law allows, report what was kept and why, with an audit entry."""
    report = erase_subject(engine, sealer, query, now)
    records = {_record_of(item) for item in report.erased}
    records |= {f"{kept.table}#{kept.record_id}" for kept in report.kept}
    erased, kept = len(report.erased), len(report.kept)
    _audit(engine, sealer, query, now, actor, surface, "erase", len(records), erased, kept)
    return report


def _record_of(erased: str) -> str:
    """``orders#12`` from ``orders.buyer_name#12``."""
    column, _, record_id = erased.rpartition("#")
    return f"{column.split('.', 1)[0]}#{record_id}"


def _audit(
    engine: Engine,
    sealer: Sealer,
    query: SubjectQuery,
    now: datetime,
    actor: str,
    surface: str,
    action: str,
    *counts: int,
) -> None:
    kinds, digest = identifier_hash(sealer, query)
    records, fields, kept = counts
    entry = AuditEntry(
        at=now,
        actor=actor,
        surface=surface,
        action=action,
        identifier_kind=kinds,
        identifier_hash=digest,
        records=records,
        fields=fields,
        kept=kept,
    )
    with engine.begin() as conn:
        record_audit(conn, entry)
