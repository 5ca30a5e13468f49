"""Use cases of stock: set, adjust and import on-hand through the ledger; show a SKU's numbers.

Every change is a ledger movement with an idempotency key; the listings of the touched SKUs (and
of the kits containing them) are recomputed in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from omnistock.domain.allocation import allocate_sku
from omnistock.domain.bundles import Bundle
from omnistock.domain.csvfile import read_csv
from omnistock.domain.errors import InvalidFile, InvalidValue, UnknownSku, UnknownWarehouse
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.ledger import (
    Movement,
    MovementKind,
    StaleCount,
    StaleObservation,
    check_observed_at,
)
from omnistock.domain.safety import FeedCheck, FeedProblem
from omnistock.domain.stock_feed import STOCK_COLUMNS, StockRow, parse_stock_csv
from omnistock.service.allocation import recompute_in
from omnistock.service.ports import UnitOfWork
from omnistock.service.snapshot import load

__all__ = [
    "FeedGate",
    "ImportSummary",
    "StaleRow",
    "StockView",
    "add_warehouse",
    "adjust_stock",
    "import_stock",
    "set_stock",
    "show_stock",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleRow:
    """A counted row not applied: the level holds a newer observation (``field`` names why)."""

    sku: Sku
    warehouse: WarehouseId
    field: str
    observed_at: str
    level_observed_at: str
    message: str

    @classmethod
    def of(cls, stale: StaleCount) -> StaleRow:
        m = stale.movement
        return cls(
            sku=m.sku,
            warehouse=m.warehouse,
            field="observed_at",
            observed_at=m.observed_at.isoformat(),
            level_observed_at=stale.level_observed_at.isoformat(),
            message=stale.message,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportSummary:
    """What a stock import did: rows in the file, rows applied now, rows applied before, and
    rows skipped as stale (older ``observed_at`` than the stored level; in the ledger)."""

    rows: int
    applied: int
    already_applied: int
    listings_changed: int
    file_hash: str
    stale: int = 0
    stale_rows: tuple[StaleRow, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StockView:
    """The current numbers of one SKU and what each channel account is told."""

    sku: Sku
    on_hand: int
    reserved: int
    available: int
    buffer: int
    paused: bool
    allocation: dict[ChannelId, int]

    def to_dict(self) -> dict[str, object]:
        return {
            "sku": self.sku,
            "on_hand": self.on_hand,
            "reserved": self.reserved,
            "available": self.available,
            "buffer": self.buffer,
            "paused": self.paused,
            "allocation": {str(ch): q for ch, q in sorted(self.allocation.items())},
        }


def set_stock(
    uow: UnitOfWork,
    sku: Sku,
    quantity: int,
    *,
    warehouse: WarehouseId,
    actor: str,
    now: datetime,
    idempotency_key: str | None = None,
    reason: str = "stock take",
    observed_at: datetime | None = None,
) -> bool:
    """Set on-hand of ``sku`` in ``warehouse``; False if this key was already applied.

    ``observed_at`` is when the count was made (default ``now``). A count older than the
    level's last count is recorded in the ledger as stale, changes nothing else, and raises
    ``StaleObservation(field="observed_at")``.
    """
    if observed_at is not None:
        check_observed_at(observed_at, now)
    movement = Movement(
        sku=sku,
        warehouse=warehouse,
        kind=MovementKind.SET,
        quantity=quantity,
        observed_at=observed_at or now,
        reason=reason,
        source="manual",
        actor=actor,
        idempotency_key=idempotency_key,
    )
    return _record(uow, movement, now)


def adjust_stock(
    uow: UnitOfWork,
    sku: Sku,
    delta: int,
    *,
    warehouse: WarehouseId,
    actor: str,
    now: datetime,
    idempotency_key: str | None = None,
    reason: str = "adjustment",
) -> bool:
    """Add ``delta`` (±) to on-hand; ``InvalidValue(field="quantity")`` if it would go negative."""
    if delta == 0:
        raise InvalidValue("an adjustment of 0 changes nothing", field="delta")
    movement = Movement(
        sku=sku,
        warehouse=warehouse,
        kind=MovementKind.ADJUST,
        quantity=delta,
        observed_at=now,
        reason=reason,
        source="manual",
        actor=actor,
        idempotency_key=idempotency_key,
    )
    return _record(uow, movement, now)


def _record(uow: UnitOfWork, movement: Movement, now: datetime) -> bool:
    with uow:
        _require_stocked(uow, movement.sku)
        if movement.warehouse not in uow.stock.warehouses():
            raise UnknownWarehouse(f"no warehouse {movement.warehouse!r}", field="warehouse")
        recorded = uow.stock.record_all([movement], recorded_at=now)
        if recorded.applied:
            recompute_in(uow, [movement.sku], now=now)
        uow.commit()  # a stale count stays in the ledger as what happened
    if recorded.stale:
        raise StaleObservation(recorded.stale[0])
    return bool(recorded.applied)


class FeedGate(Protocol):
    """The safety guard's source checks (``omnistock.service.holds.FeedGate``)."""

    def check(
        self,
        *,
        source: str,
        skus: frozenset[Sku],
        produced_at: datetime,
        import_id: str,
        now: datetime,
    ) -> object: ...

    def reject(
        self,
        *,
        source: str,
        import_id: str,
        result: FeedCheck,
        count: int,
        produced_at: datetime,
        now: datetime,
    ) -> None: ...

    def snapshot(self, uow: UnitOfWork) -> object: ...

    def judge(
        self, uow: UnitOfWork, before: object, *, import_id: str, now: datetime
    ) -> object: ...

    def accepted(
        self,
        *,
        source: str,
        import_id: str,
        count: int,
        produced_at: datetime,
        now: datetime,
        skus: frozenset[Sku],
        applied: frozenset[Sku],
    ) -> object: ...


def import_stock(
    uow: UnitOfWork,
    text: str,
    *,
    source: str,
    actor: str,
    now: datetime,
    gate: FeedGate | None = None,
    produced_at: datetime | None = None,
) -> ImportSummary:
    """Import a ``sku,warehouse,on_hand`` file: counted rows set on-hand, others are unchanged.

    The whole file is rejected (``InvalidFile`` with line and column) on any bad row, including
    an unknown SKU or a kit. Every row is a count observed at ``produced_at`` (default ``now``;
    a naive or future time is ``InvalidValue(field="observed_at")``): a row older than its
    level's last count is skipped — recorded in the ledger as stale and listed in the
    summary's ``stale_rows`` — while the other rows apply. Importing the same file again
    changes nothing: each row's key is the file's SHA-256 plus its SKU and warehouse. With a
    ``gate`` the feed is also checked against its source's history (truncated, older than its
    maximum age: rejected with an incident, nothing changed), the listing changes it makes are
    judged by the safety guard in the same transaction (a mass drop on any channel account:
    every account's changes wait in one hold, with one critical incident), and an accepted
    import re-confirms the source's pending holds — only from the rows it applied (a stale or
    missing row confirms nothing), and only when it was produced after the held feed.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    import_id = f"import:{source}:{digest[:16]}"
    produced = produced_at or now
    check_observed_at(produced, now)
    if gate is not None:
        _gate_check(uow, text, gate, source, import_id, produced, now)
    with uow:
        rows = parse_stock_csv(text, warehouses=uow.stock.warehouses())
        _check_skus(uow, text, rows)
        before = gate.snapshot(uow) if gate is not None else None
        movements = [_import_movement(row, digest, source, actor, produced) for row in rows]
        recorded = uow.stock.record_all(movements, recorded_at=now)
        applied = recorded.applied
        changed = recompute_in(uow, {m.sku for m in applied}, now=now) if applied else 0
        if gate is not None and changed:
            gate.judge(uow, before, import_id=import_id, now=now)
        counted = _counted_skus({m.sku for m in applied}, uow.products.bundles())
        uow.commit()
    if gate is not None:
        skus = frozenset(r.sku for r in rows)
        gate.accepted(
            source=source,
            import_id=import_id,
            count=len(skus),
            produced_at=produced,
            now=now,
            skus=skus,
            applied=counted,
        )
    return ImportSummary(
        rows=len(rows),
        applied=len(applied),
        already_applied=len(rows) - len(applied) - len(recorded.stale),
        listings_changed=changed,
        file_hash=digest,
        stale=len(recorded.stale),
        stale_rows=tuple(StaleRow.of(s) for s in recorded.stale),
    )


def _counted_skus(applied: set[Sku], bundles: Mapping[Sku, Bundle]) -> frozenset[Sku]:
    """SKUs whose listings this import's applied rows decide: the applied SKUs and every kit
    all of whose components (through nested kits) are among them."""
    counted = set(applied)
    grew = True
    while grew:
        grew = False
        for kit in bundles.values():
            if kit.sku not in counted and all(c.sku in counted for c in kit.components):
                counted.add(kit.sku)
                grew = True
    return frozenset(counted)


def _gate_check(
    uow: UnitOfWork,
    text: str,
    gate: FeedGate,
    source: str,
    import_id: str,
    produced: datetime,
    now: datetime,
) -> None:
    """The source checks, outside any open transaction (SQLite has one writer at a time).

    An empty or header-only feed is recorded as rejected, with an incident, and re-raised.
    """
    try:
        with uow:
            rows = parse_stock_csv(text, warehouses=uow.stock.warehouses())
            _check_skus(uow, text, rows)
    except InvalidFile as exc:
        if "empty" in exc.message or "no rows" in exc.message:
            check = FeedCheck(problem=FeedProblem.EMPTY, message=f"{source}: {exc.message}")
            gate.reject(
                source=source,
                import_id=import_id,
                result=check,
                count=0,
                produced_at=produced,
                now=now,
            )
        raise
    skus = frozenset(r.sku for r in rows)
    gate.check(source=source, skus=skus, produced_at=produced, import_id=import_id, now=now)


def _import_movement(
    row: StockRow, digest: str, source: str, actor: str, observed_at: datetime
) -> Movement:
    return Movement(
        sku=row.sku,
        warehouse=row.warehouse,
        kind=MovementKind.SET,
        quantity=row.on_hand,
        observed_at=observed_at,
        reason="stock import",
        source=source,
        actor=actor,
        idempotency_key=f"import:{digest}:{row.sku}@{row.warehouse}",
    )


def _check_skus(uow: UnitOfWork, text: str, rows: Sequence[StockRow]) -> None:
    known = uow.products.known([r.sku for r in rows])
    kits = uow.products.bundles()
    for row, raw in zip(rows, read_csv(text, required=STOCK_COLUMNS), strict=True):
        if row.sku not in known:
            raise InvalidFile(f"unknown SKU {row.sku!r}", line=raw.line, column="sku")
        if row.sku in kits:
            raise InvalidFile(
                f"{row.sku} is a kit: count its components", line=raw.line, column="sku"
            )


def _require_stocked(uow: UnitOfWork, sku: Sku) -> None:
    if not uow.products.known([sku]):
        raise UnknownSku(f"no product {sku!r}", field="sku")
    if sku in uow.products.bundles():
        raise InvalidValue(f"{sku} is a kit: its stock comes from its components", field="sku")


def show_stock(uow: UnitOfWork, sku: Sku) -> StockView:
    """On hand, reserved, available, buffer, pause state and per-channel allocation of a SKU."""
    with uow:
        snapshot = load(uow, [sku])
    if sku not in snapshot.inputs:
        raise UnknownSku(f"no product {sku!r}", field="sku")
    result = allocate_sku(snapshot.inputs[sku])
    return StockView(
        sku=sku,
        on_hand=result.on_hand,
        reserved=result.reserved,
        available=result.available,
        buffer=result.buffer,
        paused=result.paused,
        allocation=dict(result.quantities),
    )


def add_warehouse(uow: UnitOfWork, name: WarehouseId) -> None:
    """Add a warehouse; ``Duplicate(field="warehouse")`` if it exists."""
    if not name.strip() or len(name) > 64:
        raise InvalidValue("warehouse name must be 1–64 characters", field="warehouse")
    with uow:
        uow.stock.add_warehouse(name)
        uow.commit()
