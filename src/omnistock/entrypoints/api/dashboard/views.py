"""What the dashboard pages show, built from services and the sync status (no HTML here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from omnistock.domain.ids import Sku
from omnistock.entrypoints.api.dashboard.chart import Chart, SalesLine, sales_chart, stock_chart
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.state import ApiState
from omnistock.service import allocation, catalog, stock
from omnistock.store.operations_repository import sales_of
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.status import sync_status

__all__ = ["SkuPage", "StockRow", "sku_page", "stock_rows", "tiles"]

MAX_ROWS = 500


def tiles(state: ApiState) -> list[dict[str, object]]:
    """One tile per channel: the sync status plus ``in_sync`` (listings with nothing to send)."""
    store = SyncStore(state.app.engine)
    result = sync_status(store, state.adapters, state.app.clock.now())
    listed: dict[str, int] = {}
    for listing in catalog.list_listings(state.app.uow()):
        listed[listing.channel] = listed.get(listing.channel, 0) + 1
    for tile in result:
        count = listed.get(str(tile["channel"]), 0)
        tile["listings"] = count
        tile["in_sync"] = max(0, count - int(str(tile["dirty"])))
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class StockRow:
    sku: str
    name: str
    on_hand: int
    per_channel: Mapping[str, int | None]


def stock_rows(state: ApiState, query: str) -> tuple[list[str], list[StockRow]]:
    """Channels (columns) and products matching ``query`` in SKU or name, with on-hand and the
    quantity each channel is told (its listing's desired value)."""
    uow = state.app.uow()
    channels = [str(c.name) for c in catalog.list_channels(uow)]
    wanted = query.strip().casefold()
    products = [
        p
        for p in catalog.list_products(uow)
        if wanted in p.sku.casefold() or wanted in p.name.casefold()
    ][:MAX_ROWS]
    with state.app.uow() as reader:
        levels = reader.stock.levels([p.sku for p in products])
    on_hand: dict[str, int] = {}
    for level in levels:
        on_hand[level.sku] = on_hand.get(level.sku, 0) + level.on_hand
    told: dict[tuple[str, str], int | None] = {
        (str(li.sku), str(li.channel)): li.desired for li in catalog.list_listings(state.app.uow())
    }
    rows = [
        StockRow(
            sku=p.sku,
            name=p.name,
            on_hand=on_hand.get(p.sku, 0),
            per_channel={ch: told.get((p.sku, ch)) for ch in channels},
        )
        for p in products
    ]
    return channels, rows


@dataclass(frozen=True, slots=True, kw_only=True)
class SkuPage:
    sku: str
    name: str
    explanation: Mapping[str, Any]
    chart: Chart | None
    sales: list[SalesLine]


def sku_page(state: ApiState, sku: str) -> SkuPage:
    """The explanation, stock history and sales per channel of one SKU (``UnknownSku`` → 404)."""
    explanation = plain(allocation.explain(state.app.uow(), Sku(sku)))
    with state.app.uow() as reader:
        product = reader.products.get(Sku(sku))
        movements = reader.stock.movements(Sku(sku))
    view = stock.show_stock(state.app.uow(), Sku(sku))
    explanation["allocation"] = plain(view.allocation)
    return SkuPage(
        sku=sku,
        name=product.name if product else sku,
        explanation=explanation,
        chart=stock_chart(movements),
        sales=sales_chart(sales_of(state.app.engine, sku)),
    )
