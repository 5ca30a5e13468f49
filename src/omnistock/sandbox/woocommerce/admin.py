"""WooCommerce admin routes under ``/_sandbox``: seed products, buyers' orders, quantities.

Seeding and stock edits act like the seller in wp-admin (a stock edit fires
``product.updated``); ``POST /_sandbox/orders`` acts like a buyer at checkout.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field, model_validator

from omnistock.domain.errors import Duplicate, InvalidValue, UnknownSku
from omnistock.sandbox.common.faults import ADMIN_PREFIX
from omnistock.sandbox.woocommerce import render
from omnistock.sandbox.woocommerce.catalog import Item
from omnistock.sandbox.woocommerce.demo import buyer
from omnistock.sandbox.woocommerce.shop import WooShop

_Strict = ConfigDict(extra="forbid")
Price = Field(default="0.00", pattern=r"^\d+(\.\d{1,2})?$")


class SeedVariation(BaseModel):
    model_config = _Strict
    id: int | None = Field(default=None, ge=1)
    sku: str = Field(min_length=1)
    name: str = ""
    manage_stock: bool = True
    stock_quantity: int | None = None
    regular_price: str = Price
    backorders: Literal["no", "notify", "yes"] = "no"


class SeedProduct(SeedVariation):
    name: str = Field(min_length=1)
    type: Literal["simple", "variable"] = "simple"
    variations: list[SeedVariation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _variations_need_variable(self) -> SeedProduct:
        if self.variations and self.type != "variable":
            raise ValueError("only a variable product has variations")
        return self


class SeedRequest(BaseModel):
    model_config = _Strict
    products: list[SeedProduct] = Field(min_length=1)
    replace: bool = Field(default=False, description="Remove every existing product first.")


class StockEdit(BaseModel):
    model_config = _Strict
    stock_quantity: int
    manage_stock: bool = True


class OrderLine(BaseModel):
    model_config = _Strict
    sku: str | None = None
    product_id: int | None = None
    variation_id: int | None = None
    quantity: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _one_reference(self) -> OrderLine:
        if self.sku is None and self.product_id is None:
            raise ValueError("give sku or product_id")
        return self


class MetaEntry(BaseModel):
    """An order meta entry as a checkout plugin stores it, e.g. ``_billing_nip``."""

    model_config = _Strict
    key: str = Field(min_length=1, max_length=255)
    value: str


class PlaceOrder(BaseModel):
    model_config = _Strict
    lines: list[OrderLine] = Field(min_length=1)
    status: Literal["pending", "processing", "on-hold", "completed"] = "processing"
    customer_note: str = ""
    meta_data: list[MetaEntry] = Field(
        default_factory=list,
        description='Order meta, e.g. [{"key": "_billing_nip", "value": "5260250274"}] (B2B).',
    )


class StatusChange(BaseModel):
    model_config = _Strict
    status: Literal[
        "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"
    ]
    restock: bool = Field(default=False, description="With refunded: put the items back in stock.")


def quantities(shop: WooShop) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id,
            "parent_id": i.parent_id,
            "sku": i.sku,
            "name": i.name,
            "type": i.type,
            "manage_stock": i.manage_stock,
            "stock_quantity": i.stock_quantity,
            "stock_status": i.stock_status,
        }
        for i in sorted(shop.catalog.items.values(), key=lambda i: i.id)
    ]


def _seed(shop: WooShop, request: SeedRequest) -> None:
    if request.replace:
        shop.catalog.items.clear()
    entries = [(p, 0) for p in request.products]
    skus = [p.sku for p in request.products] + [
        v.sku for p in request.products for v in p.variations
    ]
    clash = {s for s in skus if skus.count(s) > 1 or shop.catalog.by_sku(s) is not None}
    if clash:
        raise Duplicate(f"SKU already used: {', '.join(sorted(clash))}", field="sku")
    ids = [e.id for e, _ in entries] + [v.id for p in request.products for v in p.variations]
    taken = {i for i in ids if i is not None and (ids.count(i) > 1 or i in shop.catalog.items)}
    if taken:
        raise Duplicate(f"id already used: {sorted(taken)}", field="id")
    for product in request.products:
        parent = shop.catalog.add(_item(shop, product, 0, product.type))
        for child in product.variations:
            shop.catalog.add(_item(shop, child, parent.id, "variation"))


def _item(shop: WooShop, seed: SeedVariation, parent: int, kind: str) -> Item:
    now = shop.now()
    item_id = seed.id or shop.catalog.next_id
    while seed.id is None and item_id in shop.catalog.items:
        item_id += 1
    managed = seed.manage_stock and kind != "variable"
    return Item(
        id=item_id,
        parent_id=parent,
        type=kind,
        name=seed.name,
        sku=seed.sku,
        regular_price=seed.regular_price,
        manage_stock=managed,
        stock_quantity=(seed.stock_quantity or 0) if managed else None,
        stock_status="instock",
        backorders=seed.backorders,
        date_created=now,
        date_modified=now,
    )


def _resolve(shop: WooShop, line: OrderLine) -> Item:
    if line.sku is not None:
        item = shop.catalog.by_sku(line.sku)
        if item is None:
            raise UnknownSku(f"no product with SKU {line.sku!r}", field="sku")
        return item
    item_id = line.variation_id or line.product_id or 0
    item = shop.catalog.items.get(item_id)
    if item is None:
        raise UnknownSku(f"no product or variation {item_id}", field="product_id")
    return item


def admin_routes(shop: WooShop) -> APIRouter:
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["woocommerce"])

    @router.post("/products", status_code=201)
    async def seed_products(request: SeedRequest) -> list[dict[str, Any]]:
        """Add products (and variations) as the seller would in wp-admin."""
        _seed(shop, request)
        return quantities(shop)

    @router.get("/quantities")
    async def read_quantities() -> list[dict[str, Any]]:
        """Every product and variation with its current stock."""
        return quantities(shop)

    @router.put("/products/{item_id}/stock")
    async def edit_stock(item_id: int, edit: StockEdit) -> dict[str, Any]:
        """The seller edits stock in wp-admin; products fire ``product.updated``."""
        item = shop.catalog.items.get(item_id)
        if item is None:
            raise UnknownSku(f"no product or variation {item_id}", field="item_id")
        fields = {"stock_quantity": edit.stock_quantity, "manage_stock": edit.manage_stock}
        shop.catalog.update(item, fields, shop.now())
        shop.product_changed(item)
        return render.item(item, shop.base_url)

    @router.post("/orders", status_code=201)
    async def place_order(request: PlaceOrder) -> dict[str, Any]:
        """A buyer checks out: stock drops as in WooCommerce; fires ``order.created``."""
        lines = [(_resolve(shop, line), line.quantity) for line in request.lines]
        if any(item.type == "variable" for item, _ in lines):
            raise InvalidValue("order a variation, not the variable product", field="lines")
        order = shop.orders.place(lines, buyer(shop.buyers), request.status, shop.now())
        order.customer_note = request.customer_note
        order.meta_data = [
            {"id": i, "key": meta.key, "value": meta.value}
            for i, meta in enumerate(request.meta_data, start=1)
        ]
        shop.order_changed(order, "created")
        return render.order(order, shop.base_url)

    @router.post("/orders/{order_id}/status")
    async def change_status(order_id: int, change: StatusChange) -> dict[str, Any]:
        """The seller changes an order's status; fires ``order.updated``."""
        order = shop.orders.orders.get(order_id)
        if order is None:
            raise HTTPException(404, f"no order {order_id}")
        shop.orders.set_status(order, change.status, shop.now(), restock=change.restock)
        shop.order_changed(order, "updated")
        return render.order(order, shop.base_url)

    @router.get("/webhooks/deliveries")
    async def deliveries() -> list[dict[str, Any]]:
        """Every delivery attempt (pings included) with the receiver's status code."""
        return list(shop.dispatcher.log)

    return router
