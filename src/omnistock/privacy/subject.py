"""Data-subject requests: export everything held about a person, or erase what the law allows.

Generic over the data map: a person is found through the keyed-hash columns of every declared
table (e-mail, phone or customer id — never by plain text). An unknown person gives an empty
answer ("nothing held") that reveals nothing about anyone else. Erasure sets personal columns to
NULL in one transaction, except fields under legal retention, which are reported with the reason
and the date until which they are kept; a record's look-up hashes go with its last other field.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, or_, select, update

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.datamap import PersonalTable
from omnistock.privacy.inventory import RETENTION_TEXT
from omnistock.privacy.lookup import IdentifierKind
from omnistock.privacy.retention import (
    DEFAULT_POLICY,
    ErasureDecision,
    Purpose,
    RetentionPolicy,
    erasure_decision,
)
from omnistock.privacy.rows import clause_of, record_dates
from omnistock.privacy.sealing import Sealer

__all__ = [
    "ErasureReport",
    "HeldRecord",
    "KeptField",
    "SubjectExport",
    "SubjectQuery",
    "erase_subject",
    "export_subject",
]

LOOKUP_KEPT = "kept so the data under legal retention can still be found for access requests"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubjectQuery:
    """Who the request is about: an e-mail, a phone number and/or a customer id."""

    email: str | None = None
    phone: str | None = None
    customer: str | None = None

    def __post_init__(self) -> None:
        if not any(v and v.strip() for v in (self.email, self.phone, self.customer)):
            raise InvalidValue("give an e-mail, a phone number or a customer id", field="subject")

    def identifiers(self) -> Iterator[tuple[IdentifierKind, str]]:
        given = (
            (IdentifierKind.EMAIL, self.email),
            (IdentifierKind.PHONE, self.phone),
            (IdentifierKind.CUSTOMER, self.customer),
        )
        yield from ((kind, value) for kind, value in given if value and value.strip())


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldRecord:
    """One record held about the person: plain values of its exportable personal fields."""

    table: str
    record_id: str
    description: str
    fields: Mapping[str, Any]
    purposes: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubjectExport:
    """The answer to an access request (art. 15 GDPR)."""

    generated_at: datetime
    records: tuple[HeldRecord, ...] = ()

    @property
    def held(self) -> bool:
        return bool(self.records)

    def to_dict(self) -> dict[str, Any]:
        return {
            "held": self.held,
            "generated_at": self.generated_at.isoformat(),
            "records": [_record_dict(r) for r in self.records],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)

    def to_html(self) -> str:
        """A small readable page; every value is escaped."""
        return _html(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeptField:
    """A field not erased, and why."""

    table: str
    record_id: str
    column: str
    reason: str
    keep_until: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ErasureReport:
    """The answer to an erasure request (art. 17 GDPR): what was erased, what was kept and why."""

    erased: tuple[str, ...] = ()
    kept: tuple[KeptField, ...] = field(default=())

    @property
    def held(self) -> bool:
        return bool(self.erased or self.kept)


def export_subject(
    engine: Engine, sealer: Sealer, query: SubjectQuery, now: datetime
) -> SubjectExport:
    """Find and decrypt everything the data map declares about the person."""
    records: list[HeldRecord] = []
    with engine.connect() as conn:
        for declared, rows in _found(conn, sealer, query):
            for row in rows:
                record_id = str(row[declared.id_column])
                values = sealer.open(declared.name, record_id, row)
                records.append(_held(declared, record_id, values))
    return SubjectExport(generated_at=now, records=tuple(records))


def erase_subject(
    engine: Engine,
    sealer: Sealer,
    query: SubjectQuery,
    now: datetime,
    *,
    policy: RetentionPolicy = DEFAULT_POLICY,
) -> ErasureReport:
    """Anonymise every field of the person not under legal retention, in one transaction."""
    erased: list[str] = []
    kept: list[KeptField] = []
    with engine.begin() as conn:
        for declared, rows in _found(conn, sealer, query):
            for row in rows:
                nulls, row_kept = _plan(declared, row, now, policy)
                _set_null(conn, declared, row[declared.id_column], nulls)
                record_id = str(row[declared.id_column])
                erased += [f"{declared.name}.{name}#{record_id}" for name in nulls]
                kept += row_kept
    return ErasureReport(erased=tuple(erased), kept=tuple(kept))


def _set_null(conn: Connection, declared: PersonalTable, ident: Any, names: Sequence[str]) -> None:
    if names:
        clause = clause_of(declared)
        change = dict.fromkeys(names)
        conn.execute(update(clause).where(clause.c[declared.id_column] == ident).values(change))


def _plan(
    declared: PersonalTable, row: Mapping[str, Any], now: datetime, policy: RetentionPolicy
) -> tuple[list[str], list[KeptField]]:
    dates = record_dates(declared, row)
    record_id = str(row[declared.id_column])
    nulls: list[str] = []
    kept: list[KeptField] = []
    for f in declared.sealed:
        if row[f.column] is None:
            continue
        decision: ErasureDecision = erasure_decision(dates, f.purpose, now, policy=policy)
        if decision.erase:
            nulls.append(f.column)
        else:
            kept.append(_kept(declared, record_id, f.column, decision.reason, decision.keep_until))
    hashes = [f.column for f in declared.fields if not f.sealed and row[f.column] is not None]
    if kept:
        kept += [_kept(declared, record_id, name, LOOKUP_KEPT, None) for name in hashes]
    else:
        nulls += hashes
    return nulls, kept


def _kept(
    declared: PersonalTable, record_id: str, name: str, reason: str, until: datetime | None
) -> KeptField:
    return KeptField(
        table=declared.name, record_id=record_id, column=name, reason=reason, keep_until=until
    )


def _found(
    conn: Connection, sealer: Sealer, query: SubjectQuery
) -> Iterator[tuple[PersonalTable, Sequence[Mapping[str, Any]]]]:
    for declared in sealer.data_map.tables:
        clause = clause_of(declared)
        conditions = []
        for kind, value in query.identifiers():
            locator = declared.locator(kind)
            if locator is not None:
                digests = sealer.hasher.candidates(kind, value)
                conditions.append(clause.c[locator].in_(sorted(digests)))
        if conditions:
            ident = clause.c[declared.id_column]
            rows = conn.execute(select(clause).where(or_(*conditions)).order_by(ident))
            yield declared, [dict(row._mapping) for row in rows]


def _held(declared: PersonalTable, record_id: str, values: Mapping[str, Any]) -> HeldRecord:
    purposes = {name: _purpose_text(declared.column(name).purpose) for name in values}
    return HeldRecord(
        table=declared.name,
        record_id=record_id,
        description=declared.description,
        fields=dict(values),
        purposes=purposes,
    )


def _purpose_text(purpose: Purpose) -> str:
    return f"{purpose.value}: {RETENTION_TEXT[purpose]}"


def _record_dict(record: HeldRecord) -> dict[str, Any]:
    return {
        "table": record.table,
        "record_id": record.record_id,
        "description": record.description,
        "fields": {
            name: {"value": _jsonable(value), "purpose_and_retention": record.purposes[name]}
            for name, value in record.fields.items()
        },
    }


def _jsonable(value: Any) -> Any:
    """Bytes (e.g. an invoice's XML) as UTF-8 text when they are text, else base64."""
    if not isinstance(value, bytes):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(value).decode("ascii")}


def _html(export: SubjectExport) -> str:
    esc = html.escape
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        "<title>Personal data held</title></head><body>",
        f"<h1>Personal data held</h1><p>Generated {esc(export.generated_at.isoformat())}.</p>",
    ]
    if not export.held:
        parts.append("<p>Nothing held.</p>")
    for record in export.records:
        parts.append(f"<h2>{esc(record.description)} — {esc(record.record_id)}</h2>")
        parts.append("<table><tr><th>field</th><th>value</th><th>purpose and retention</th></tr>")
        for name, value in record.fields.items():
            plain = _jsonable(value)
            shown = plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False)
            parts.append(
                f"<tr><td>{esc(name)}</td><td>{esc(shown)}</td><td>{esc(record.purposes[name])}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
