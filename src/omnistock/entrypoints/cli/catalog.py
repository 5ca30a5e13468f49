"""``omnistock product|channel|listing …``: the catalog, channel accounts and offer links."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from omnistock.domain.ids import ChannelId, ChannelKind, Sku
from omnistock.domain.product import Product, VatRate
from omnistock.entrypoints.cli import render, values
from omnistock.entrypoints.cli.context import open_app
from omnistock.service import catalog

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
product_app = typer.Typer(help="Products: add one, import a CSV, list.", no_args_is_help=True)
channel_app = typer.Typer(
    help="Channel accounts (Allegro, shop, Amazon, Meta).", no_args_is_help=True
)
listing_app = typer.Typer(
    help="Listings: which offer sells a SKU on a channel.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(product_app, name="product")
    app.add_typer(channel_app, name="channel")
    app.add_typer(listing_app, name="listing")


def product_dict(product: Product) -> dict[str, object]:
    return {
        "sku": product.sku,
        "name": product.name,
        "ean": product.ean,
        "vat": product.vat.value,
        "unit": product.unit,
        "price": str(product.price_gross),
        "group": product.group,
    }


@product_app.command("add")
def product_add(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="Your product code.")],
    name: Annotated[str, typer.Argument(help="Product name.")],
    ean: Annotated[
        str | None, typer.Option(metavar="EAN", help="GTIN/EAN (check digit verified).")
    ] = None,
    vat: Annotated[str, typer.Option(metavar="RATE", help="VAT rate: 23, 8, 5, 0, zw, np…")] = "23",
    price: Annotated[
        str, typer.Option(metavar="PLN", help="Gross price in PLN, e.g. 49.90.")
    ] = "0.00",
    unit: Annotated[str, typer.Option(metavar="UNIT", help="Unit of measure.")] = "szt.",
    group: Annotated[
        str | None, typer.Option(metavar="GROUP", help="Product group (for group policies).")
    ] = None,
) -> None:
    """Add one product."""
    product = Product(
        sku=Sku(sku),
        name=name,
        ean=ean or None,
        vat=VatRate.parse(vat),
        unit=unit,
        price_gross=values.decimal(price, field="price"),
        group=group,
    )
    with open_app(ctx) as app:
        catalog.add_product(app.uow(), product)
    render.note(f"added product {sku}")


@product_app.command("import")
def product_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV: sku,name,ean,vat,price[,unit,group].",
        ),
    ],
) -> None:
    """Import products from a CSV file; a bad file is rejected whole with line and column."""
    text = values.read_text(file)
    with open_app(ctx) as app, render.progress("importing products", values.data_rows(text)) as bar:
        count = catalog.import_products(app.uow(), text, now=app.clock.now())
        bar.update(bar.task_ids[0], completed=count)
    render.note(f"imported {count} product{'' if count == 1 else 's'} from {file.name}")


@product_app.command("list")
def product_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List the products."""
    with open_app(ctx) as app:
        products = catalog.list_products(app.uow())
    rows = [product_dict(p) for p in products]
    if json:
        render.emit_json(rows)
        return
    columns = ("sku", "name", "ean", "vat", "price", "unit", "group")
    render.show(render.table("Products", columns, ([r[c] for c in columns] for r in rows)))


@channel_app.command("add")
def channel_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Account name, e.g. allegro-main.")],
    kind: Annotated[ChannelKind, typer.Option(help="Kind of channel.")],
) -> None:
    """Add a channel account (the connection itself is configured later)."""
    with open_app(ctx) as app:
        catalog.add_channel(app.uow(), ChannelId(name), kind, now=app.clock.now())
    render.note(f"added channel {name} ({kind.value})")


@channel_app.command("list")
def channel_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List the channel accounts."""
    with open_app(ctx) as app:
        rows = values.plain(catalog.list_channels(app.uow()))
    if json:
        render.emit_json(rows)
        return
    render.show(render.table("Channels", ("name", "kind"), _pick(rows, ("name", "kind"))))


@listing_app.command("link")
def listing_link(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="Product SKU.")],
    channel: Annotated[str, typer.Argument(help="Channel account name.")],
    offer_id: Annotated[str, typer.Argument(help="The offer id on that channel.")],
) -> None:
    """Link a SKU to an offer on a channel account."""
    with open_app(ctx) as app:
        catalog.link_listing(app.uow(), Sku(sku), ChannelId(channel), offer_id, now=app.clock.now())
    render.note(f"linked {sku} to {channel} offer {offer_id}")


@listing_app.command("list")
def listing_list(
    ctx: typer.Context,
    channel: Annotated[
        str | None, typer.Option(metavar="NAME", help="Only this channel account.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """List listings with their desired and last pushed quantities."""
    with open_app(ctx) as app:
        only = ChannelId(channel) if channel else None
        rows = values.plain(catalog.list_listings(app.uow(), only))
    if json:
        render.emit_json(rows)
        return
    columns = ("channel", "sku", "offer_id", "desired", "last_pushed")
    render.show(render.table("Listings", columns, _pick(rows, columns)))


def _pick(rows: object, columns: tuple[str, ...]) -> list[list[object]]:
    items = rows if isinstance(rows, list) else []
    return [[row.get(c) for c in columns] for row in items if isinstance(row, dict)]
