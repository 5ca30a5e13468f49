"""The retention sweep: empty every personal field whose retention has expired.

Generic over the data map and needs no key (nothing is decrypted). Records are taken in id
order, in batches, each batch committed on its own, so a sweep can be stopped and run again. A
field expires by its purpose's rule (:func:`omnistock.privacy.retention.expired`); a record's
look-up hashes are emptied with its last other personal field. The daily worker job
(:mod:`omnistock.service.privacy_jobs`, a tick hook of ``omnistock worker`` and
``omnistock serve --with-worker``) calls :func:`sweep`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, or_, select, update
from sqlalchemy.sql.expression import TableClause

from omnistock.privacy.datamap import DataMap, PersonalTable
from omnistock.privacy.retention import DEFAULT_POLICY, RetentionPolicy, expired
from omnistock.privacy.rows import clause_of, record_dates

__all__ = ["SweepReport", "expired_fields", "sweep"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepReport:
    """How many values were emptied, by ``table.column``."""

    emptied: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.emptied.values())


def sweep(
    engine: Engine,
    data_map: DataMap,
    now: datetime,
    *,
    policy: RetentionPolicy = DEFAULT_POLICY,
    batch_size: int = 1000,
) -> SweepReport:
    """Empty the expired personal fields of every declared table at ``now``."""
    emptied: Counter[str] = Counter()
    for declared in data_map.tables:
        clause, last = clause_of(declared), None
        while True:
            with engine.begin() as conn:
                rows = _rows(conn, clause, declared, last, batch_size)
                if not rows:
                    break
                for row in rows:
                    names = expired_fields(declared, row, now, policy)
                    _empty(conn, clause, declared, row[declared.id_column], names)
                    emptied.update(f"{declared.name}.{name}" for name in names)
            last = rows[-1][declared.id_column]
    return SweepReport(emptied=dict(emptied))


def expired_fields(
    declared: PersonalTable, row: Mapping[str, Any], now: datetime, policy: RetentionPolicy
) -> list[str]:
    """The personal columns of ``row`` to empty at ``now`` (hashes go with the last field)."""
    dates = record_dates(declared, row)
    held = [f for f in declared.sealed if row[f.column] is not None]
    gone = [f.column for f in held if expired(dates, f.purpose, now, policy=policy)]
    if len(gone) == len(held):
        gone += [f.column for f in declared.fields if not f.sealed and row[f.column] is not None]
    return gone


def _rows(
    conn: Connection, clause: TableClause, declared: PersonalTable, last: Any, size: int
) -> Sequence[Mapping[str, Any]]:
    ident = clause.c[declared.id_column]
    holds = or_(*(clause.c[f.column].is_not(None) for f in declared.fields))
    query = select(clause).where(holds).order_by(ident).limit(size)
    if last is not None:
        query = query.where(ident > last)
    return [dict(row._mapping) for row in conn.execute(query)]


def _empty(
    conn: Connection, clause: TableClause, declared: PersonalTable, ident: Any, names: list[str]
) -> None:
    if names:
        key = clause.c[declared.id_column]
        conn.execute(
            update(clause).where(key == bindparam("_id")).values(dict.fromkeys(names)),
            {"_id": ident},
        )
