"""``omnistock warehouse|stock …``: warehouses and the stock ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from omnistock.domain.ids import DEFAULT_WAREHOUSE, Sku, WarehouseId
from omnistock.domain.ledger import parse_observed_at
from omnistock.entrypoints.cli import render, values
from omnistock.entrypoints.cli.context import open_app
from omnistock.service import stock

ACTOR = "cli"
NUMBERS = {"ignore_unknown_options": True}
"""Lets ``stock adjust SKU -3`` read ``-3`` as a number, not as an option."""

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
Warehouse = Annotated[
    str, typer.Option("--warehouse", "-w", metavar="NAME", help="Warehouse name.")
]
Reason = Annotated[
    str | None, typer.Option("--reason", metavar="TEXT", help="Why (kept in the ledger).")
]
ObservedAt = Annotated[
    str | None,
    typer.Option(
        "--observed-at",
        metavar="TIME",
        help="When the stock was counted (ISO 8601 with offset, e.g. 2026-03-01T10:00:00Z); "
        "default: now. A count older than the stored one is refused (kept in the ledger).",
    ),
]
warehouse_app = typer.Typer(help="Warehouses.", no_args_is_help=True)
stock_app = typer.Typer(help="Stock on hand: set, adjust, import, show.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(warehouse_app, name="warehouse")
    app.add_typer(stock_app, name="stock")


@warehouse_app.command("add")
def warehouse_add(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Warehouse name.")]
) -> None:
    """Add a warehouse (``main`` exists from the start)."""
    with open_app(ctx) as app:
        stock.add_warehouse(app.uow(), WarehouseId(name))
    render.note(f"added warehouse {name}")


@stock_app.command("set", context_settings=NUMBERS)
def stock_set(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="Product SKU.")],
    quantity: Annotated[str, typer.Argument(metavar="QTY", help="New on-hand quantity.")],
    warehouse: Warehouse = DEFAULT_WAREHOUSE,
    reason: Reason = None,
    observed_at: ObservedAt = None,
) -> None:
    """Set the on-hand quantity of a SKU in a warehouse (recorded in the ledger).

    A count observed before the level's last count changes nothing: it is recorded as stale
    and the command fails naming observed_at.
    """
    qty = values.integer(quantity, field="quantity")
    seen = parse_observed_at(observed_at) if observed_at is not None else None
    with open_app(ctx) as app:
        stock.set_stock(
            app.uow(),
            Sku(sku),
            qty,
            warehouse=WarehouseId(warehouse),
            actor=ACTOR,
            now=app.clock.now(),
            reason=reason or "stock take",
            observed_at=seen,
        )
    render.note(f"{sku} @ {warehouse}: on hand set to {qty}")


@stock_app.command("adjust", context_settings=NUMBERS)
def stock_adjust(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="Product SKU.")],
    delta: Annotated[str, typer.Argument(metavar="±N", help="Change, e.g. +5 or -3.")],
    warehouse: Warehouse = DEFAULT_WAREHOUSE,
    reason: Reason = None,
) -> None:
    """Add to or take from the on-hand quantity (never below zero)."""
    change = values.integer(delta, field="delta")
    with open_app(ctx) as app:
        stock.adjust_stock(
            app.uow(),
            Sku(sku),
            change,
            warehouse=WarehouseId(warehouse),
            actor=ACTOR,
            now=app.clock.now(),
            reason=reason or "adjustment",
        )
    render.note(f"{sku} @ {warehouse}: on hand adjusted by {change:+d}")


@stock_app.command("import")
def stock_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="CSV with columns sku,warehouse,on_hand."),
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Name of the stock source (e.g. erp) whose usual size and age the safety "
            "checks compare against; default: file:<file name>.",
        ),
    ] = None,
    observed_at: ObservedAt = None,
    json: JsonFlag = False,
) -> None:
    """Import on-hand levels; missing SKUs stay unchanged, a bad file changes nothing.

    The safety guard's source checks run first: an empty, truncated (far fewer SKUs than the
    source usually reports) or stale feed is rejected with an incident and changes nothing.
    Rows older than the stored count of their SKU and warehouse (--observed-at) are skipped
    and listed; the others apply.
    """
    from omnistock.entrypoints.cli.safety import feed_gate  # the guard: only stock import needs it

    text = values.read_text(file)
    seen = parse_observed_at(observed_at) if observed_at is not None else None
    with open_app(ctx) as app, render.progress("importing stock", values.data_rows(text)) as bar:
        summary = stock.import_stock(
            app.uow(),
            text,
            source=source or f"file:{file.name}",
            actor=ACTOR,
            now=app.clock.now(),
            gate=feed_gate(app),
            produced_at=seen,
        )
        bar.update(bar.task_ids[0], completed=values.data_rows(text))
    if json:
        render.emit_json(values.plain(summary))
        return
    render.note(
        f"imported {file.name}: {summary.rows} rows, {summary.applied} applied, "
        f"{summary.already_applied} already applied before, "
        f"{summary.listings_changed} listings recomputed"
        + (f", {summary.stale} stale rows skipped" if summary.stale else "")
    )
    for row in summary.stale_rows:
        render.note(f"skipped: {row.message}")


@stock_app.command("show")
def stock_show(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="Product SKU.")],
    json: JsonFlag = False,
) -> None:
    """Show on hand, reserved, available, buffer state and per-channel allocation of a SKU."""
    with open_app(ctx) as app:
        view = stock.show_stock(app.uow(), Sku(sku)).to_dict()
    if json:
        render.emit_json(view)
        return
    render.show(stock_table(view))


def stock_table(view: dict[str, object]) -> object:
    """A readable table of one ``stock show`` view."""
    rows: list[tuple[object, object]] = [
        (key.replace("_", " "), view[key]) for key in ("on_hand", "reserved", "available", "buffer")
    ]
    rows.append(("state", "PAUSED" if view["paused"] else "listed"))
    allocation = view.get("allocation")
    if isinstance(allocation, dict):
        rows += [(f"→ {channel}", qty) for channel, qty in allocation.items()]
    return render.table(f"Stock of {view['sku']}", ("", "#"), rows)
