"""Repositories of stock: warehouses, the append-only ledger with derived levels, reservations
and the pause state of the buffer.

Every write is atomic SQL: a movement is inserted with ``ON CONFLICT DO NOTHING`` on its unique
idempotency key and only when that inserted a row is the level changed, with an
``UPDATE … WHERE on_hand + delta >= 0`` for an adjustment and an
``INSERT … ON CONFLICT DO UPDATE … WHERE observed_at <= new observed_at`` for a count (an older
observation never replaces a newer one) — never read-then-write.

``stock_levels.observed_at`` is the observation time of the level's last applied count;
adjustments leave it as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, bindparam, or_, select, update

from omnistock.domain.errors import Duplicate
from omnistock.domain.ids import Sku, WarehouseId
from omnistock.domain.inventory import Reservation, StockLevel
from omnistock.domain.ledger import Movement, MovementKind, Recorded, StaleCount, apply_movement
from omnistock.store.rows import level_from_row, reservation_from_row, to_utc, utc
from omnistock.store.sql import chunks, dialect_insert, insert_ignore, raw_rows, upsert
from omnistock.store.tables import (
    reservations,
    sku_pauses,
    stock_levels,
    stock_movements,
    warehouses,
)

__all__ = ["SqlPauseRepository", "SqlReservationRepository", "SqlStockRepository"]


class SqlStockRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def warehouses(self) -> set[WarehouseId]:
        names = self._conn.execute(select(warehouses.c.name)).scalars()
        return {WarehouseId(n) for n in names}

    def add_warehouse(self, name: WarehouseId) -> None:
        if not insert_ignore(self._conn, warehouses, {"name": name}):
            raise Duplicate(f"warehouse {name!r} already exists", field="warehouse")

    def record(self, movements: Sequence[Movement], *, recorded_at: datetime) -> list[Movement]:
        """``record_all`` returning only the applied movements."""
        return self.record_all(movements, recorded_at=recorded_at).applied

    def record_all(self, movements: Sequence[Movement], *, recorded_at: datetime) -> Recorded:
        """Apply each movement not seen before (by idempotency key); say what each one did.

        A movement without a key gets a fresh one: it is always applied. A count observed before
        the level's last applied count is not applied: its ledger row becomes ``stale`` (with the
        unchanged on-hand after) and it is reported. Rows are touched in (SKU, warehouse) order,
        keeping the given order per pair, so concurrent transactions lock in the same order and
        cannot deadlock each other. A batch of stock counts with one row per (SKU, warehouse) —
        an import — is written in bulk.
        """
        keyed = [
            m if m.idempotency_key else dataclasses.replace(m, idempotency_key=f"auto:{uuid4()}")
            for m in sorted(movements, key=lambda m: (m.sku, m.warehouse))
        ]
        pairs = {(m.sku, m.warehouse) for m in keyed}
        if len(pairs) == len(keyed) and all(m.kind is MovementKind.SET for m in keyed):
            return self._record_counts(keyed, recorded_at)
        applied: list[Movement] = []
        stale: list[StaleCount] = []
        for movement in keyed:
            if insert_ignore(self._conn, stock_movements, _movement_row(movement, recorded_at)):
                refused = self._apply(movement, recorded_at)
                if refused is None:
                    applied.append(movement)
                else:
                    stale.append(refused)
        return Recorded(applied=applied, stale=stale)

    def _record_counts(self, counts: list[Movement], at: datetime) -> Recorded:
        """Stock counts in a few bulk statements: ledger rows not seen before, then levels."""
        if not counts:
            return Recorded(applied=[], stale=[])
        rows = [_movement_row(m, at) | {"on_hand_after": m.quantity} for m in counts]
        stmt = dialect_insert(self._conn, stock_movements).on_conflict_do_nothing()
        result = self._conn.execute(stmt.returning(stock_movements.c.idempotency_key), rows)
        inserted = set(result.scalars())
        new = [m for m in counts if m.idempotency_key in inserted]
        written = self._write_counts([_count_row(m, at) for m in new])
        refused = [m for m in new if (m.sku, m.warehouse) not in written]
        return Recorded(
            applied=[m for m in new if (m.sku, m.warehouse) in written],
            stale=self._mark_stale(refused),
        )

    def _write_counts(self, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
        """Upsert counted levels unless the stored level was observed later (atomic, one
        statement); returns the (SKU, warehouse) pairs written."""
        if not rows:
            return set()
        stmt = dialect_insert(self._conn, stock_levels)
        c, new = stock_levels.c, stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["sku", "warehouse"],
            set_={
                "on_hand": new.on_hand,
                "observed_at": new.observed_at,
                "updated_at": new.updated_at,
            },
            where=or_(c.observed_at.is_(None), c.observed_at <= new.observed_at),
        ).returning(c.sku, c.warehouse)
        if len(rows) == 1:
            return {(str(s), str(w)) for s, w in self._conn.execute(stmt, rows[0])}
        return {(str(s), str(w)) for s, w in self._conn.execute(stmt, rows)}

    def _mark_stale(self, refused: list[Movement]) -> list[StaleCount]:
        """Turn the ledger rows of refused counts into ``stale`` rows; describe each."""
        if not refused:
            return []
        c = stock_levels.c
        current: dict[tuple[str, str], tuple[int, datetime]] = {}
        for part in chunks({m.sku for m in refused}):
            query = select(c.sku, c.warehouse, c.on_hand, c.observed_at).where(c.sku.in_(part))
            for sku, warehouse, on_hand, seen in self._conn.execute(query):
                current[(sku, warehouse)] = (int(on_hand), _seen(seen))
        m = stock_movements.c
        self._conn.execute(
            update(stock_movements)
            .where(m.idempotency_key == bindparam("b_key"))
            .values(kind=MovementKind.STALE.value, on_hand_after=bindparam("b_after")),
            [
                {"b_key": mv.idempotency_key, "b_after": current[(mv.sku, mv.warehouse)][0]}
                for mv in refused
            ],
        )
        return [
            StaleCount(
                movement=mv,
                on_hand=current[(mv.sku, mv.warehouse)][0],
                level_observed_at=current[(mv.sku, mv.warehouse)][1],
            )
            for mv in refused
        ]

    def _apply(self, movement: Movement, at: datetime) -> StaleCount | None:
        """Apply one new movement to its level; a refused (stale) count is returned."""
        if movement.kind is MovementKind.SET:
            apply_movement(0, movement)  # validates the count
            if not self._write_counts([_count_row(movement, at)]):
                return self._mark_stale([movement])[0]
            on_hand = movement.quantity
        else:
            on_hand = self._add(movement, at)
        m = stock_movements.c
        self._conn.execute(
            update(stock_movements)
            .where(m.idempotency_key == movement.idempotency_key)
            .values(on_hand_after=on_hand)
        )
        return None

    def _add(self, movement: Movement, at: datetime) -> int:
        """Add a signed delta; the level's observation time (of its last count) is kept."""
        key = {"sku": movement.sku, "warehouse": movement.warehouse}
        stamp = {"updated_at": to_utc(at)}
        insert_ignore(self._conn, stock_levels, key | stamp | {"on_hand": 0})
        c = stock_levels.c
        where = (c.sku == movement.sku, c.warehouse == movement.warehouse)
        result = self._conn.execute(
            update(stock_levels)
            .where(*where, c.on_hand + movement.quantity >= 0)
            .values(on_hand=c.on_hand + movement.quantity, **stamp)
            .returning(c.on_hand)
        ).scalar()
        if result is None:
            current = self._conn.execute(select(c.on_hand).where(*where)).scalar_one()
            apply_movement(current, movement)  # raises InvalidValue(field="quantity")
            raise AssertionError("unreachable: a refused adjustment must go negative")
        return int(result)

    def levels(self, skus: Collection[Sku] | None) -> list[StockLevel]:
        c = stock_levels.c
        query = select(c.sku, c.warehouse, c.on_hand)
        if skus is None:
            rows = raw_rows(self._conn, query)
            return [StockLevel(sku=s, warehouse=w, on_hand=q) for s, w, q in rows]
        result: list[StockLevel] = []
        for part in chunks(set(skus)):
            result.extend(
                level_from_row(r) for r in self._conn.execute(query.where(c.sku.in_(part)))
            )
        return result

    def movements(self, sku: Sku) -> list[dict[str, Any]]:
        """The ledger of one SKU, oldest first (audit views and tests)."""
        m = stock_movements.c
        query = select(stock_movements).where(m.sku == sku).order_by(m.id)
        return [dict(row._mapping) for row in self._conn.execute(query)]


def _seen(value: datetime | None) -> datetime:
    """The observation time of a level that refused a count (never NULL there)."""
    seen = utc(value)
    if seen is None:
        raise AssertionError("a level without an observation time refuses no count")
    return seen


def _count_row(movement: Movement, at: datetime) -> dict[str, Any]:
    return {
        "sku": movement.sku,
        "warehouse": movement.warehouse,
        "on_hand": movement.quantity,
        "observed_at": to_utc(movement.observed_at),
        "updated_at": to_utc(at),
    }


def _movement_row(movement: Movement, recorded_at: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": movement.idempotency_key,
        "sku": movement.sku,
        "warehouse": movement.warehouse,
        "kind": movement.kind.value,
        "quantity": movement.quantity,
        "reason": movement.reason,
        "source": movement.source,
        "actor": movement.actor,
        "observed_at": to_utc(movement.observed_at),
        "recorded_at": to_utc(recorded_at),
    }


class SqlReservationRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, items: Iterable[Reservation], *, at: datetime) -> list[Reservation]:
        added: list[Reservation] = []
        for item in items:
            row = {
                "order_ref": item.order_ref,
                "sku": item.sku,
                "quantity": item.quantity,
                "open": item.open,
                "created_at": to_utc(at),
            }
            if insert_ignore(self._conn, reservations, row):
                added.append(item)
        return added

    def close(self, order_ref: str, *, at: datetime) -> list[Sku]:
        c = reservations.c
        closed = self._conn.execute(
            update(reservations)
            .where(c.order_ref == order_ref, c.open.is_(True))
            .values(open=False, closed_at=to_utc(at))
            .returning(c.sku)
        ).scalars()
        return sorted(Sku(s) for s in closed)

    def open_for(self, skus: Collection[Sku] | None) -> list[Reservation]:
        c = reservations.c
        query = select(c.sku, c.quantity, c.order_ref, c.open).where(c.open.is_(True))
        if skus is None:
            return [reservation_from_row(r) for r in self._conn.execute(query)]
        result: list[Reservation] = []
        for part in chunks(set(skus)):
            rows = self._conn.execute(query.where(c.sku.in_(part)))
            result.extend(reservation_from_row(r) for r in rows)
        return result


class SqlPauseRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def paused(self, skus: Collection[Sku] | None) -> set[Sku]:
        c = sku_pauses.c
        query = select(c.sku).where(c.paused.is_(True))
        if skus is None:
            return {Sku(s) for s in self._conn.execute(query).scalars()}
        found: set[Sku] = set()
        for part in chunks(set(skus)):
            found.update(Sku(s) for s in self._conn.execute(query.where(c.sku.in_(part))).scalars())
        return found

    def set(self, paused: Mapping[Sku, bool], *, at: datetime) -> None:
        stamp = to_utc(at)
        rows = [{"sku": s, "paused": p, "changed_at": stamp} for s, p in sorted(paused.items())]
        upsert(self._conn, sku_pauses, rows, keys=["sku"])
