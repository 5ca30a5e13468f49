"""Use cases of the catalog: products, kits, channel accounts and listings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from omnistock.domain.bundles import Bundle, flat_components
from omnistock.domain.catalog_feed import parse_product_csv
from omnistock.domain.errors import InvalidValue, UnknownChannel, UnknownSku
from omnistock.domain.ids import ChannelId, ChannelKind, Sku
from omnistock.domain.inventory import BundleComponent
from omnistock.domain.listing import Listing
from omnistock.domain.product import Product
from omnistock.service.allocation import moment, recompute_in
from omnistock.service.ports import ChannelAccount, UnitOfWork

__all__ = [
    "add_channel",
    "add_product",
    "import_products",
    "link_listing",
    "list_channels",
    "list_listings",
    "list_products",
    "set_bundle",
]


def add_product(uow: UnitOfWork, product: Product) -> None:
    """Add a product; ``Duplicate(field="sku")`` if the SKU exists."""
    with uow:
        uow.products.add(product)
        uow.commit()


def import_products(uow: UnitOfWork, text: str, *, now: datetime | None = None) -> int:
    """Add or update every product of a CSV file (rejected whole on any bad row); returns rows."""
    items = parse_product_csv(text)
    with uow:
        uow.products.upsert(items)
        recompute_in(uow, [p.sku for p in items], now=moment(now))
        uow.commit()
    return len(items)


def list_products(uow: UnitOfWork) -> list[Product]:
    with uow:
        return uow.products.list()


def set_bundle(
    uow: UnitOfWork, sku: Sku, components: Mapping[Sku, int], *, now: datetime | None = None
) -> None:
    """Make ``sku`` a kit of ``components`` (SKU → units per kit), replacing earlier ones."""
    bundle = Bundle(
        sku=sku, components=[BundleComponent(sku=s, quantity=q) for s, q in components.items()]
    )
    with uow:
        missing = sorted({sku, *components} - uow.products.known([sku, *components]))
        if missing:
            raise UnknownSku(f"no product {', '.join(missing)}", field="sku")
        bundles = dict(uow.products.bundles()) | {sku: bundle}
        flat_components(sku, bundles)  # raises InvalidValue on a cycle or too deep nesting
        uow.products.set_bundle(bundle)
        recompute_in(uow, [sku], now=moment(now))
        uow.commit()


def add_channel(
    uow: UnitOfWork, name: ChannelId | str, kind: ChannelKind | str, *, now: datetime | None = None
) -> ChannelAccount:
    """Add a channel account (``Duplicate(field="name")`` if taken); every SKU is recomputed."""
    if not str(name).strip():
        raise InvalidValue("channel name must not be empty", field="name")
    try:
        account = ChannelAccount(name=ChannelId(str(name)), kind=ChannelKind(kind))
    except ValueError:
        allowed = ", ".join(k.value for k in ChannelKind)
        raise InvalidValue(f"unknown kind {kind!r} (allowed: {allowed})", field="kind") from None
    with uow:
        uow.channels.add(account)
        recompute_in(uow, None, now=moment(now))
        uow.commit()
    return account


def list_channels(uow: UnitOfWork) -> list[ChannelAccount]:
    with uow:
        return uow.channels.list()


def link_listing(
    uow: UnitOfWork, sku: Sku, channel: ChannelId, offer_id: str, *, now: datetime | None = None
) -> Listing:
    """Link a SKU to an offer on a channel account and compute its desired quantity."""
    listing = Listing(channel=channel, sku=sku, offer_id=offer_id)
    with uow:
        if not uow.products.known([sku]):
            raise UnknownSku(f"no product {sku!r}", field="sku")
        _require_channel(uow, channel)
        uow.listings.add(listing)
        recompute_in(uow, [sku], now=moment(now))
        uow.commit()
    return listing


def list_listings(uow: UnitOfWork, channel: ChannelId | None = None) -> list[Listing]:
    """Listings of one channel account, or of all."""
    with uow:
        if channel is not None:
            _require_channel(uow, channel)
        return uow.listings.list(channel)


def _require_channel(uow: UnitOfWork, channel: ChannelId) -> None:
    if channel not in {c.name for c in uow.channels.list()}:
        raise UnknownChannel(f"no channel account {channel!r}", field="channel")
