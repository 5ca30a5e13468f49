"""The shop's products and variations with WooCommerce's stock rules.

Stock is tracked only when ``manage_stock`` is true; otherwise ``stock_quantity`` is cleared and
``stock_status`` is whatever the seller set (``WC_Product::validate_props``). Updates are
validated completely before anything changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from omnistock.sandbox.woocommerce.coerce import as_bool, as_enum, as_int, as_str
from omnistock.sandbox.woocommerce.errors import WooError, invalid_id

STOCK_STATUSES = ("instock", "outofstock", "onbackorder")
BACKORDERS = ("no", "notify", "yes")
PRODUCT_TYPES = ("simple", "grouped", "external", "variable")


@dataclass(slots=True)
class Item:
    """A product (``parent_id == 0``) or a variation of a variable product."""

    id: int
    parent_id: int
    type: str
    name: str
    sku: str
    regular_price: str
    manage_stock: bool
    stock_quantity: int | None
    stock_status: str
    backorders: str
    date_created: datetime
    date_modified: datetime
    variations: list[int] = field(default_factory=list)
    attributes: list[dict[str, Any]] = field(default_factory=list)
    total_sales: int = 0

    @property
    def kind(self) -> str:
        """The post type: ``product`` or ``product_variation``."""
        return "product_variation" if self.parent_id else "product"

    def settle_stock(self) -> None:
        """Derive ``stock_status`` from the quantity when stock is managed (WooCommerce's rule)."""
        if not self.manage_stock:
            self.stock_quantity = None
            self.backorders = "no"
            return
        self.stock_quantity = quantity = self.stock_quantity or 0
        if quantity > 0:
            self.stock_status = "instock"
        else:
            self.stock_status = "outofstock" if self.backorders == "no" else "onbackorder"


_FIELDS = ("name", "sku", "regular_price", "manage_stock", "stock_quantity", "stock_status")


def parse_changes(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the writable fields the sandbox models; unknown fields are ignored, as in WP."""
    parsers: dict[str, Any] = {
        "name": lambda v: as_str("name", v),
        "sku": lambda v: as_str("sku", v),
        "regular_price": lambda v: as_str("regular_price", v),
        "manage_stock": lambda v: as_bool("manage_stock", v),
        "stock_quantity": lambda v: as_int("stock_quantity", v, nullable=True),
        "stock_status": lambda v: as_enum("stock_status", v, STOCK_STATUSES),
        "backorders": lambda v: as_enum("backorders", v, BACKORDERS),
        "type": lambda v: as_enum("type", v, PRODUCT_TYPES),
        "attributes": lambda v: v if isinstance(v, list) else [],
        "inventory_delta": lambda v: as_int("inventory_delta", v),
    }
    return {name: parsers[name](value) for name, value in fields.items() if name in parsers}


class Catalog:
    """Products and variations by id, with SKU uniqueness across both."""

    def __init__(self) -> None:
        self.items: dict[int, Item] = {}
        self.next_id = 10

    def get(self, item_id: int, kind: str = "product", status: int = 404) -> Item:
        item = self.items.get(item_id)
        if item is None or item.kind != kind:
            raise invalid_id(kind, status)
        return item

    def variation(self, product_id: int, variation_id: int, status: int = 404) -> Item:
        self.get(product_id, "product", status)
        item = self.get(variation_id, "product_variation", status)
        if item.parent_id != product_id:
            raise invalid_id("product_variation", status)
        return item

    def by_sku(self, sku: str) -> Item | None:
        return next((item for item in self.items.values() if sku and item.sku == sku), None)

    def products(self) -> list[Item]:
        return [item for item in self.items.values() if not item.parent_id]

    def settle(self, item: Item) -> None:
        """Settle an item's stock status, then its variable parent's (``sync_stock_status``)."""
        item.settle_stock()
        parent = self.items.get(item.parent_id) if item.parent_id else None
        if parent is None or parent.manage_stock:
            return
        statuses = {self.items[child].stock_status for child in parent.variations}
        for status in ("instock", "onbackorder"):
            if status in statuses:
                parent.stock_status = status
                return
        parent.stock_status = "outofstock" if statuses else parent.stock_status

    def check_sku(self, sku: str, own_id: int) -> None:
        other = self.by_sku(sku)
        if other is not None and other.id != own_id:
            raise WooError("product_invalid_sku", "Invalid or duplicated SKU.", 400)

    def update(self, item: Item, fields: Mapping[str, Any], now: datetime) -> Item:
        """Apply a REST update to one product or variation; all-or-nothing."""
        changes = parse_changes(fields)
        changes.pop("type", None)
        if "sku" in changes:
            self.check_sku(changes["sku"], item.id)
        delta = changes.pop("inventory_delta", None)
        for name in (*_FIELDS, "backorders", "attributes"):
            if name in changes:
                setattr(item, name, changes[name])
        if delta is not None and "stock_quantity" not in changes and item.manage_stock:
            item.stock_quantity = (item.stock_quantity or 0) + delta
        self.settle(item)
        item.date_modified = now
        return item

    def create(self, fields: Mapping[str, Any], parent_id: int, now: datetime) -> Item:
        """Create a product (``parent_id=0``) or a variation of ``parent_id``."""
        changes = parse_changes(fields)
        if "sku" in changes:
            self.check_sku(changes["sku"], 0)
        if parent_id:
            changes["type"] = "variation"
        item = Item(
            id=self.next_id,
            parent_id=parent_id,
            type=changes.get("type", "simple"),
            name=changes.get("name", "" if parent_id else "Product"),
            sku=changes.get("sku", ""),
            regular_price=changes.get("regular_price", ""),
            manage_stock=changes.get("manage_stock", False),
            stock_quantity=changes.get("stock_quantity"),
            stock_status=changes.get("stock_status", "instock"),
            backorders=changes.get("backorders", "no"),
            date_created=now,
            date_modified=now,
            attributes=changes.get("attributes", []),
        )
        return self.add(item)

    def add(self, item: Item) -> Item:
        """Insert a fully built item (seeding and creation), linking variations to the parent."""
        self.items[item.id] = item
        self.next_id = max(self.next_id, item.id + 1)
        if item.parent_id:
            self.items[item.parent_id].variations.append(item.id)
        self.settle(item)
        return item

    def delete(self, item: Item) -> Item:
        for child in list(item.variations):
            self.items.pop(child, None)
        if item.parent_id and item.parent_id in self.items:
            self.items[item.parent_id].variations.remove(item.id)
        del self.items[item.id]
        return item

    def change_stock(self, item: Item, delta: int, now: datetime) -> None:
        """``wc_update_product_stock`` with an increase/decrease; only for managed stock."""
        if not item.manage_stock:
            return
        item.stock_quantity = (item.stock_quantity or 0) + delta
        self.settle(item)
        item.date_modified = now
