"""Key rotation: re-seal every declared personal column from older keys to the active key.

Works on any SQLAlchemy ``Engine`` and any :class:`DataMap`. Progress is the data itself: a row
needs work while one of its sealed columns does not start with ``v1:<active kid>:``. Rows are
taken in id order, in batches; each batch is re-sealed and committed in one transaction, with a
compare-and-set on the old values (a row written meanwhile by the application is left alone). A
rotation killed at any point loses nothing and a new run carries on from what is still stale.
Readers keep working throughout: the keyring opens old and new keys alike. Retire an old key
only once :func:`pending` reports no row for it.

Besides the personal data of the map, ``also`` names other tables sealed with the same keys
(:class:`SealedTable`, e.g. the channel accounts' OAuth tokens,
:data:`omnistock.privacy.inventory.SEALED_SECRETS`): they are rotated and counted alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
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

__all__ = ["BatchDone", "RotationReport", "SealedTable", "pending", "rotate"]

DEFAULT_BATCH = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class SealedTable:
    """A table's sealed columns and its record id column (values are bound to that id)."""

    name: str
    id_column: str
    columns: tuple[str, ...]

    @classmethod
    def of(cls, declared: PersonalTable) -> SealedTable:
        columns = tuple(f.column for f in declared.sealed)
        return cls(name=declared.name, id_column=declared.id_column, columns=columns)


def _tables(data_map: DataMap, also: Iterable[SealedTable]) -> list[SealedTable]:
    tables = [SealedTable.of(t) for t in data_map.tables] + list(also)
    return [t for t in tables if t.columns]


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
    also: Sequence[SealedTable] = (),
) -> RotationReport:
    """Re-seal every stale value of every declared table (and of ``also``) with ``cipher``'s
    active key."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    resealed = batches = 0
    for declared in _tables(data_map, also):
        for rows in _batches(engine, cipher, declared, batch_size):
            resealed, batches = resealed + rows, batches + 1
            if on_batch is not None:
                on_batch(BatchDone(table=declared.name, rows=rows, total=resealed))
    remaining = pending(engine, data_map, cipher.active, also=also)
    return RotationReport(
        active=cipher.active, resealed=resealed, batches=batches, remaining=remaining
    )


def pending(
    engine: Engine, data_map: DataMap, active: str, *, also: Sequence[SealedTable] = ()
) -> dict[str, int]:
    """Rows per declared table (and per table of ``also``) that still hold a value sealed with
    another key than ``active``."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for declared in _tables(data_map, also):
            clause, _ = _clause(declared)
            query = select(func.count()).select_from(clause).where(_stale(clause, declared, active))
            counts[declared.name] = int(conn.execute(query).scalar_one())
    return counts


def _batches(
    engine: Engine, cipher: FieldCipher, declared: SealedTable, size: int
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
    declared: SealedTable,
    active: str,
    last: Any,
    size: int,
) -> Sequence[Any]:
    ident = clause.c[declared.id_column]
    query = select(ident, *(clause.c[name] for name in declared.columns))
    query = query.where(_stale(clause, declared, active)).order_by(ident).limit(size)
    if last is not None:
        query = query.where(ident > last)
    return conn.execute(query).all()


def _resealed(
    cipher: FieldCipher, declared: SealedTable, rows: Sequence[Any]
) -> list[dict[str, Any]]:
    params = []
    for row in rows:
        record_id, *values = row
        item: dict[str, Any] = {"_id": record_id}
        for name, value in zip(declared.columns, values, strict=True):
            ref = FieldRef(table=declared.name, column=name, record_id=str(record_id))
            item[f"_old_{name}"] = value
            item[f"_new_{name}"] = None if value is None else cipher.reseal(value, ref)
        params.append(item)
    return params


def _cas_update(clause: TableClause, declared: SealedTable, names: Sequence[str]) -> Any:
    ident = clause.c[declared.id_column]
    same = [clause.c[name].is_not_distinct_from(bindparam(f"_old_{name}")) for name in names]
    return (
        update(clause)
        .where(ident == bindparam("_id"), *same)
        .values({name: bindparam(f"_new_{name}") for name in names})
    )


def _clause(declared: SealedTable) -> tuple[TableClause, list[str]]:
    names = list(declared.columns)
    return table(declared.name, column(declared.id_column), *(column(n) for n in names)), names


def _stale(clause: TableClause, declared: SealedTable, active: str) -> ColumnElement[bool]:
    prefix = sealed_prefix(active) + "%"
    cols = [clause.c[name] for name in declared.columns]
    return or_(*(and_(col.is_not(None), not_(col.like(prefix))) for col in cols))
