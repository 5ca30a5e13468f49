"""Amazon admin routes under ``/_sandbox``: the account, listings and buyers' orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from omnistock.domain.errors import Conflict, DomainError, InvalidValue
from omnistock.sandbox.amazon.account import MARKETPLACE_PL, REFRESH_TOKEN, SELLER_ID
from omnistock.sandbox.amazon.buyer import (
    Purchase,
    cancel_order,
    confirm_order,
    place_order,
    ship_order,
)
from omnistock.sandbox.amazon.listings import Listing
from omnistock.sandbox.amazon.order_render import INCLUDED_DATA, render_order
from omnistock.sandbox.amazon.orders import Order
from omnistock.sandbox.amazon.sandbox import AmazonSandbox
from omnistock.sandbox.common.faults import ADMIN_PREFIX

__all__ = [
    "Account",
    "CancelOrder",
    "ListingSeed",
    "ListingSeeds",
    "ListingView",
    "Marketplace",
    "OrderItemIn",
    "PlaceOrder",
    "amazon_admin_router",
]

Marketplace = Literal[
    "A1C3SOZRARQ6R3",
    "A1PA6795UKMFR9",
    "A13V1IB3VIYZZH",
    "APJ6JRA9NG5V4",
    "A1RKKUPIHCS9HS",
    "A1805IZSGTT6HS",
    "A2NODRKZP88ZB9",
]


class Account(BaseModel):
    """Credentials and ids a client needs (client secret: the one the sandbox was started with)."""

    seller_id: str
    marketplace_id: str
    client_id: str
    refresh_token: str
    token_path: str


class ListingSeed(BaseModel):
    """A complete listing with a merchant-fulfilled quantity."""

    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=40, pattern=r"^\S(.*\S)?$")
    quantity: int = Field(ge=0)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    product_type: str = Field(default="PRODUCT", min_length=1)


class ListingSeeds(BaseModel):
    """Listings to create or replace."""

    model_config = ConfigDict(extra="forbid")
    listings: list[ListingSeed] = Field(min_length=1, max_length=10_000)


class ListingView(BaseModel):
    """A listing's current state (pending patches and feeds applied first)."""

    sku: str
    quantity: int | None
    asin: str
    title: str
    product_type: str
    updated: datetime


class OrderItemIn(BaseModel):
    """One SKU the buyer orders."""

    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1)
    quantity: int = Field(ge=1)
    unit_price: Decimal = Field(default=Decimal("49.99"), gt=0, max_digits=12, decimal_places=2)
    shipping_price: Decimal = Field(
        default=Decimal("0.00"), ge=0, max_digits=12, decimal_places=2
    )  # the buyer's delivery charge for this item, tax included (0: free delivery)


class PlaceOrder(BaseModel):
    """A buyer's purchase; ``PENDING`` orders hide buyer data until confirmed."""

    model_config = ConfigDict(extra="forbid")
    items: list[OrderItemIn] = Field(min_length=1)
    status: Literal["PENDING", "UNSHIPPED"] = "UNSHIPPED"
    marketplace_id: Marketplace = "A1C3SOZRARQ6R3"


class CancelOrder(BaseModel):
    """Why the order is cancelled."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="BuyerCanceled", min_length=1)


def _view(listing: Listing) -> ListingView:
    return ListingView(
        sku=listing.sku,
        quantity=listing.quantity,
        asin=listing.asin,
        title=listing.item_name,
        product_type=listing.product_type,
        updated=listing.updated,
    )


def _rendered(order: Order) -> dict[str, Any]:
    return render_order(order, INCLUDED_DATA)


def _http(error: DomainError) -> HTTPException:
    status = 422 if isinstance(error, InvalidValue) else 409 if isinstance(error, Conflict) else 404
    return HTTPException(status, detail={"field": error.field, "message": error.message})


def amazon_admin_router(sandbox: AmazonSandbox) -> APIRouter:
    """Routes bound to ``sandbox``."""
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["amazon"])

    @router.get("/account")
    async def account() -> Account:
        return Account(
            seller_id=SELLER_ID,
            marketplace_id=MARKETPLACE_PL,
            client_id=sandbox.options.client_id,
            refresh_token=REFRESH_TOKEN,
            token_path="/auth/o2/token",
        )

    @router.post("/listings", status_code=201)
    async def seed_listings(body: ListingSeeds) -> list[ListingView]:
        now = sandbox.settle()
        return [
            _view(
                sandbox.listings.put(
                    sku=s.sku,
                    quantity=s.quantity,
                    title=s.title,
                    product_type=s.product_type,
                    now=now,
                )
            )
            for s in body.listings
        ]

    @router.get("/listings")
    async def list_listings() -> list[ListingView]:
        sandbox.settle()
        return [_view(listing) for listing in sandbox.listings]

    @router.get("/listings/{sku:path}")
    async def get_listing(sku: str) -> ListingView:
        sandbox.settle()
        listing = sandbox.listings.get(sku)
        if listing is None:
            raise HTTPException(404, detail={"field": "sku", "message": f"no listing {sku!r}"})
        return _view(listing)

    _order_routes(router, sandbox)
    return router


def _order_routes(router: APIRouter, sandbox: AmazonSandbox) -> None:
    @router.post("/orders", status_code=201)
    async def place(body: PlaceOrder) -> dict[str, Any]:
        purchases = [
            Purchase(
                sku=i.sku,
                quantity=i.quantity,
                unit_price=i.unit_price,
                shipping_price=i.shipping_price,
            )
            for i in body.items
        ]
        try:
            order = place_order(
                sandbox,
                purchases,
                marketplace_id=body.marketplace_id,
                pending=body.status == "PENDING",
            )
        except DomainError as exc:
            raise _http(exc) from exc
        return _rendered(order)

    @router.get("/orders")
    async def list_orders() -> list[dict[str, Any]]:
        sandbox.settle()
        return [_rendered(order) for order in sandbox.orders.orders.values()]

    @router.post("/orders/{order_id}/confirm")
    async def confirm(order_id: str) -> dict[str, Any]:
        return _change(lambda: confirm_order(sandbox, order_id))

    @router.post("/orders/{order_id}/ship")
    async def ship(order_id: str) -> dict[str, Any]:
        return _change(lambda: ship_order(sandbox, order_id))

    @router.post("/orders/{order_id}/cancel")
    async def cancel(order_id: str, body: CancelOrder | None = None) -> dict[str, Any]:
        reason = (body or CancelOrder()).reason
        return _change(lambda: cancel_order(sandbox, order_id, reason))


def _change(action: Any) -> dict[str, Any]:
    try:
        order: Order = action()
    except DomainError as exc:
        raise _http(exc) from exc
    return _rendered(order)
