"""Key rotation: re-seal every declared personal column from older keys to the active key.

Works on any SQLAlchemy ``Engine`` and any :class:`DataMap`. Progress is the data itself: a row
needs work while one of its sealed columns does not start with ``v1:<active kid>:``. Rows are
taken in id order, in batches; each batch is re-sealed and committed in one transaction, with a
compare-and-set on the old values (a row written meanwhile by the application is left alone). A
rotation killed at any point loses nothing and a new run carries on from what is still stale.
Readers keep working throughout: the keyring opens old and new keys alike. Retire an old key
only once :func:`pending` reports no row for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    bindparam,
    column,
    func,
    not_,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.sql.expression import TableClause

from omnistock.privacy.cipher import FieldCipher, FieldRef, sealed_prefix
from omnistock.privacy.datamap import DataMap, PersonalTable

__all__ = ["BatchDone", "RotationReport", "pending", "rotate"]

DEFAULT_BATCH = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchDone:
    """One committed batch: its table, how many rows it re-sealed, the run's total so far."""

    table: str
    rows: int
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RotationReport:
    """What a run did and what is still stale (rows per table) when it ended."""

    active: str
    resealed: int
    batches: int
    remaining: dict[str, int]

    @property
    def complete(self) -> bool:
        return not any(self.remaining.values())


def rotate(
    engine: Engine,
    cipher: FieldCipher,
    data_map: DataMap,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[BatchDone], None] | None = None,
) -> RotationReport:
    """Re-seal every stale value of every declared table with ``cipher``'s active key."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    resealed = batches = 0
    for declared in data_map.tables:
        if not declared.sealed:
            continue
        for rows in _batches(engine, cipher, declared, batch_size):
            resealed, batches = resealed + rows, batches + 1
            if on_batch is not None:
                on_batch(BatchDone(table=declared.name, rows=rows, total=resealed))
    remaining = pending(engine, data_map, cipher.active)
    return RotationReport(
        active=cipher.active, resealed=resealed, batches=batches, remaining=remaining
    )


def pending(engine: Engine, data_map: DataMap, active: str) -> dict[str, int]:
    """Rows per declared table that still hold a value sealed with another key than ``active``."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for declared in data_map.tables:
            if declared.sealed:
                clause, _ = _clause(declared)
                query = (
                    select(func.count()).select_from(clause).where(_stale(clause, declared, active))
                )
                counts[declared.name] = int(conn.execute(query).scalar_one())
    return counts


def _batches(
    engine: Engine, cipher: FieldCipher, declared: PersonalTable, size: int
) -> Iterator[int]:
    clause, names = _clause(declared)
    last: Any = None
    while True:
        with engine.begin() as conn:
            rows = _claim(conn, clause, declared, cipher.active, last, size)
            if not rows:
                return
            conn.execute(_cas_update(clause, declared, names), _resealed(cipher, declared, rows))
        last = rows[-1][0]
        yield len(rows)


def _claim(
    conn: Connection,
    clause: TableClause,
    declared: PersonalTable,
    active: str,
    last: Any,
    size: int,
) -> Sequence[Any]:
    ident = clause.c[declared.id_column]
    query = select(ident, *(clause.c[f.column] for f in declared.sealed))
    query = query.where(_stale(clause, declared, active)).order_by(ident).limit(size)
    if last is not None:
        query = query.where(ident > last)
    return conn.execute(query).all()


def _resealed(
    cipher: FieldCipher, declared: PersonalTable, rows: Sequence[Any]
) -> list[dict[str, Any]]:
    params = []
    for row in rows:
        record_id, *values = row
        item: dict[str, Any] = {"_id": record_id}
        for f, value in zip(declared.sealed, values, strict=True):
            ref = FieldRef(table=declared.name, column=f.column, record_id=str(record_id))
            item[f"_old_{f.column}"] = value
            item[f"_new_{f.column}"] = None if value is None else cipher.reseal(value, ref)
        params.append(item)
    return params


def _cas_update(clause: TableClause, declared: PersonalTable, names: Sequence[str]) -> Any:
    ident = clause.c[declared.id_column]
    same = [clause.c[name].is_not_distinct_from(bindparam(f"_old_{name}")) for name in names]
    return (
        update(clause)
        .where(ident == bindparam("_id"), *same)
        .values({name: bindparam(f"_new_{name}") for name in names})
    )


def _clause(declared: PersonalTable) -> tuple[TableClause, list[str]]:
    names = [f.column for f in declared.sealed]
    return table(declared.name, column(declared.id_column), *(column(n) for n in names)), names


def _stale(clause: TableClause, declared: PersonalTable, active: str) -> ColumnElement[bool]:
    prefix = sealed_prefix(active) + "%"
    cols = [clause.c[f.column] for f in declared.sealed]
    return or_(*(and_(col.is_not(None), not_(col.like(prefix))) for col in cols))
