"""Repositories of the catalog: products (with kit components) and channel accounts."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Connection, delete, insert, select

from omnistock.domain.bundles import Bundle
from omnistock.domain.errors import Duplicate
from omnistock.domain.ids import Sku
from omnistock.domain.inventory import BundleComponent
from omnistock.domain.product import Product
from omnistock.service.ports import ChannelAccount
from omnistock.store.rows import channel_from_row, product_from_row, product_to_row
from omnistock.store.sql import chunks, insert_ignore, raw_rows, upsert
from omnistock.store.tables import bundle_components, channels, products

__all__ = ["SqlChannelRepository", "SqlProductRepository"]


class SqlProductRepository:
    """Products and the components of kits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, product: Product) -> None:
        if not insert_ignore(self._conn, products, product_to_row(product)):
            raise Duplicate(f"product {product.sku!r} already exists", field="sku")

    def upsert(self, items: Sequence[Product]) -> None:
        upsert(self._conn, products, [product_to_row(p) for p in items], keys=["sku"])

    def get(self, sku: Sku) -> Product | None:
        row = self._conn.execute(select(products).where(products.c.sku == sku)).first()
        return product_from_row(row) if row else None

    def list(self) -> list[Product]:
        query = select(products).order_by(products.c.sku)
        return [product_from_row(row) for row in self._conn.execute(query)]

    def known(self, skus: Collection[Sku]) -> set[Sku]:
        found: set[Sku] = set()
        for part in chunks(set(skus)):
            query = select(products.c.sku).where(products.c.sku.in_(part))
            found.update(Sku(s) for s in self._conn.execute(query).scalars())
        return found

    def groups(self, skus: Collection[Sku] | None) -> dict[Sku, str | None]:
        query = select(products.c.sku, products.c.group_name)
        if skus is None:
            return dict(raw_rows(self._conn, query))
        result: dict[Sku, str | None] = {}
        for part in chunks(set(skus)):
            rows = self._conn.execute(query.where(products.c.sku.in_(part)))
            result.update({Sku(r.sku): r.group_name for r in rows})
        return result

    def set_bundle(self, bundle: Bundle) -> None:
        c = bundle_components.c
        self._conn.execute(delete(bundle_components).where(c.bundle_sku == bundle.sku))
        rows = [
            {"bundle_sku": bundle.sku, "component_sku": part.sku, "quantity": part.quantity}
            for part in bundle.components
        ]
        self._conn.execute(insert(bundle_components), rows)

    def bundles(self) -> dict[Sku, Bundle]:
        c = bundle_components.c
        query = select(c.bundle_sku, c.component_sku, c.quantity).order_by(
            c.bundle_sku, c.component_sku
        )
        parts: dict[Sku, list[BundleComponent]] = {}
        for row in self._conn.execute(query):
            component = BundleComponent(sku=Sku(row.component_sku), quantity=row.quantity)
            parts.setdefault(Sku(row.bundle_sku), []).append(component)
        return {sku: Bundle(sku=sku, components=comps) for sku, comps in parts.items()}


class SqlChannelRepository:
    """Channel accounts by unique name."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, account: ChannelAccount) -> None:
        row = {"name": account.name, "kind": account.kind.value}
        if not insert_ignore(self._conn, channels, row):
            raise Duplicate(f"channel {account.name!r} already exists", field="name")

    def list(self) -> list[ChannelAccount]:
        query = select(channels).order_by(channels.c.name)
        return [channel_from_row(row) for row in self._conn.execute(query)]
