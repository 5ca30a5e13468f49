"""``/api/v1/stock``: show a SKU's numbers, set or adjust on-hand, import a stock file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, Field

from omnistock.domain.ids import Sku, WarehouseId
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.routes.models import MAX_QTY, CsvUpload, Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import holds as holds_service
from omnistock.service import stock

__all__ = ["router"]

router = APIRouter(prefix="/stock", tags=["stock"])


class Change(Strict):
    warehouse: str = Field(default="main", min_length=1, max_length=64)
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=150)
    reason: str | None = Field(default=None, min_length=1, max_length=500)


class SetIn(Change):
    quantity: int = Field(ge=0, le=MAX_QTY)
    observed_at: AwareDatetime | None = Field(
        default=None, description="When the stock was counted (default: now)."
    )


class AdjustIn(Change):
    delta: int = Field(ge=-MAX_QTY, le=MAX_QTY)


class StockImportIn(CsvUpload):
    source: str = Field(default="api", min_length=1, max_length=100)
    observed_at: AwareDatetime | None = Field(
        default=None, description="When the rows were counted (default: now)."
    )


@router.get("/{sku}")
def show(request: Request, sku: str, _who: Viewer) -> dict[str, Any]:
    """On hand, reserved, available, buffer, paused and the allocation per channel."""
    result: dict[str, Any] = plain(stock.show_stock(api_state(request).app.uow(), Sku(sku)))
    return result


@router.put("/{sku}")
def set_on_hand(request: Request, sku: str, body: SetIn, who: Operator) -> dict[str, Any]:
    """Set on-hand (a stock take); ``applied`` is false when the idempotency key was used.

    A count whose ``observed_at`` is older than the stored level's is refused with 409 naming
    ``observed_at`` (it stays in the ledger as stale; nothing else changes).
    """
    app = api_state(request).app
    applied = stock.set_stock(
        app.uow(),
        Sku(sku),
        body.quantity,
        warehouse=WarehouseId(body.warehouse),
        actor=who.actor,
        now=app.clock.now(),
        idempotency_key=body.idempotency_key,
        reason=body.reason or "stock take",
        observed_at=body.observed_at,
    )
    return {"applied": applied, "stock": plain(stock.show_stock(app.uow(), Sku(sku)))}


@router.post("/{sku}/adjust")
def adjust(request: Request, sku: str, body: AdjustIn, who: Operator) -> dict[str, Any]:
    """Add a signed delta to on-hand (never below zero)."""
    app = api_state(request).app
    applied = stock.adjust_stock(
        app.uow(),
        Sku(sku),
        body.delta,
        warehouse=WarehouseId(body.warehouse),
        actor=who.actor,
        now=app.clock.now(),
        idempotency_key=body.idempotency_key,
        reason=body.reason or "adjustment",
    )
    return {"applied": applied, "stock": plain(stock.show_stock(app.uow(), Sku(sku)))}


@router.post("/import")
def import_file(request: Request, body: StockImportIn, who: Operator) -> dict[str, Any]:
    """Import ``sku,warehouse,on_hand`` rows (all or none; the same file twice changes nothing).

    Rows older (``observed_at``) than their stored level are skipped and listed in
    ``stale_rows``; the others apply. The safety guard's feed gate runs as for the CLI: an
    empty, truncated or too old feed is refused (422 naming ``feed``, nothing changed), a mass
    drop waits in one hold, and the source's feed history and re-confirmation are kept.
    """
    app = api_state(request).app
    gate = holds_service.safety_parts(
        app.engine, app.settings.section("safety"), clock=app.clock.now
    ).gate
    summary = stock.import_stock(
        app.uow(),
        body.csv,
        source=body.source,
        actor=who.actor,
        now=app.clock.now(),
        gate=gate,
        produced_at=body.observed_at,
    )
    result: dict[str, Any] = plain(summary)
    return result
