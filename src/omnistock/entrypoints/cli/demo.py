"""``omnistock demo``: a real local scenario on a fresh SQLite database in a temporary folder.

Seeds a dozen products (one of them a bundle), four channel accounts and their listings, sets
stock, applies a percentage policy with reserve and buffer, prints the allocations, sells a
candle down to its buffer to show the pause, and explains one SKU's numbers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.rule import Rule

from omnistock.bootstrap import App, bootstrap
from omnistock.config import Settings
from omnistock.domain.errors import Conflict
from omnistock.domain.ids import DEFAULT_WAREHOUSE, WarehouseId
from omnistock.domain.policy import Policy, PolicyScope, Strategy
from omnistock.entrypoints.cli import demo_data as data
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.explain_view import explanation_view
from omnistock.entrypoints.cli.setup import write_config
from omnistock.service import allocation, catalog, policies, stock

ACTOR = "demo"


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", metavar="DIR", help="Folder for the demo database (default: temp)."),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print a JSON summary only.")] = False,
) -> None:
    """Run a sample shop on a fresh database.

    Twelve products (one a bundle), four channel accounts with listings, stock in two
    warehouses, a percentage policy with reserve and buffer; then a sale that pauses a SKU, and
    the explanation of one SKU's numbers.
    """
    folder = prepare(directory)
    db_url = f"sqlite:///{folder / 'omnistock.db'}"
    write_config(folder / "omnistock.toml", db_url)
    with bootstrap(Settings(db_url=db_url), migrate=True) as app:
        summary = run_scenario(app, folder, quiet=json)
    if json:
        render.emit_json(summary)


def prepare(directory: Path | None) -> Path:
    """The demo folder: a new temporary one, or ``--dir`` if it holds no earlier demo."""
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="omnistock-demo-"))
    if (directory / "omnistock.db").exists():
        raise Conflict(
            f"{directory} already holds a demo database; pick another --dir", field="dir"
        )
    directory.mkdir(parents=True, exist_ok=True)
    return directory.resolve()


def run_scenario(app: App, folder: Path, *, quiet: bool) -> dict[str, Any]:
    """The scenario's steps; ``quiet`` prints nothing (the caller prints the JSON summary)."""
    show = (lambda _: None) if quiet else render.show
    show(f"demo folder: {folder}\ndatabase:    {app.settings.db_url}")
    products = seed_catalog(app)
    show(f"catalog: {products} products (kit {data.BUNDLE}); channels: {', '.join(data.CHANNELS)}")
    show(f"stock imported: {seed_stock(app)}")
    set_policies(app)
    show(policy_note())
    allocations = snapshot(app)
    show(allocation_table("Allocation per channel", allocations))
    pause = sell_down(app)
    show(f"sold {-data.PAUSE_DELTA} × {data.PAUSE_SKU} at the counter (stock adjust):")
    show(allocation_table(f"{data.PAUSE_SKU} before and after", pause))
    explained = allocation.explain(app.uow(), data.EXPLAIN_SKU).to_dict()
    show(Rule(f"omnistock allocation explain {data.EXPLAIN_SKU}"))
    show(explanation_view(explained))
    return {
        "dir": str(folder),
        "db": app.settings.db_url,
        "products": products,
        "channels": {name: kind.value for name, kind in data.CHANNELS.items()},
        "allocations": allocations,
        "pause": {"sku": data.PAUSE_SKU, "delta": data.PAUSE_DELTA, **pause},
        "explanation": explained,
    }


def policy_note() -> str:
    shares = ", ".join(f"{ch} {pct} %" for ch, pct in data.SHARES.items())
    caps = ", ".join(f"{ch} ≤ {n}" for ch, n in data.CAPS.items())
    return (
        f"policy (global): percentage — {shares}, reserve {data.RESERVE} %; "
        f"buffer {data.BUFFER}, resume margin {data.RESUME_MARGIN}\n"
        f"policy (group {data.BOOKS_GROUP}): shared, buffer 1\n"
        f"policy (SKU {data.CAPPED_SKU}): the global one, and at most {caps}"
    )


def seed_catalog(app: App) -> int:
    """Products from CSV, the kit's components, channel accounts, a second warehouse, links."""
    now = app.clock.now()
    count = catalog.import_products(app.uow(), data.PRODUCTS_CSV, now=now)
    catalog.set_bundle(app.uow(), data.BUNDLE, data.BUNDLE_COMPONENTS, now=now)
    for name, kind in data.CHANNELS.items():
        catalog.add_channel(app.uow(), name, kind, now=now)
    stock.add_warehouse(app.uow(), WarehouseId(data.SECOND_WAREHOUSE))
    for position, product in enumerate(catalog.list_products(app.uow()), start=1):
        for channel in data.listed_on(position):
            offer = data.offer_id(channel, position)
            catalog.link_listing(app.uow(), product.sku, channel, offer, now=now)
    return count


def seed_stock(app: App) -> str:
    result = stock.import_stock(
        app.uow(), data.STOCK_CSV, source="demo:stock.csv", actor=ACTOR, now=app.clock.now()
    )
    return f"{result.rows} rows, {result.listings_changed} listings recomputed"


def set_policies(app: App) -> None:
    """Global percentage with reserve and buffer; books shared; one SKU capped on Meta."""
    base = Policy(
        strategy=Strategy.PERCENTAGE,
        shares=data.SHARES,
        reserve=data.RESERVE,
        buffer=data.BUFFER,
        resume_margin=data.RESUME_MARGIN,
    )
    books = Policy(strategy=Strategy.SHARED, buffer=1)
    capped = replace(base, max_listed=data.CAPS)
    now = app.clock.now()
    policies.set_policy(app.uow(), PolicyScope.GLOBAL, "", base, now=now)
    policies.set_policy(app.uow(), PolicyScope.GROUP, data.BOOKS_GROUP, books, now=now)
    policies.set_policy(app.uow(), PolicyScope.SKU, data.CAPPED_SKU, capped, now=now)


def snapshot(app: App) -> dict[str, dict[str, Any]]:
    """``stock show`` of every product, by SKU."""
    skus = [p.sku for p in catalog.list_products(app.uow())]
    return {sku: stock.show_stock(app.uow(), sku).to_dict() for sku in skus}


def sell_down(app: App) -> dict[str, dict[str, Any]]:
    """Take the candle down to its buffer: every channel of it is paused."""
    sku = data.PAUSE_SKU
    before = stock.show_stock(app.uow(), sku).to_dict()
    stock.adjust_stock(
        app.uow(),
        sku,
        data.PAUSE_DELTA,
        warehouse=DEFAULT_WAREHOUSE,
        actor=ACTOR,
        now=app.clock.now(),
        reason="sold at the counter",
    )
    return {"before": before, "after": stock.show_stock(app.uow(), sku).to_dict()}


def allocation_table(title: str, views: Mapping[str, Mapping[str, Any]]) -> object:
    """One row per SKU (or per moment): the numbers and each channel's quantity."""
    channels = list(data.CHANNELS)
    columns = ["", "#on hand", "#available", "#buffer", "", *(f"#{ch}" for ch in channels)]
    rows = []
    for key, view in views.items():
        quantities = view.get("allocation", {})
        state = "PAUSED" if view["paused"] else ""
        numbers = [view["on_hand"], view["available"], view["buffer"], state]
        rows.append([key, *numbers, *(quantities.get(ch, "–") for ch in channels)])
    return render.table(title, columns, rows)
