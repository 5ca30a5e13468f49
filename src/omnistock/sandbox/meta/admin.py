"""Meta admin routes under ``/_sandbox``: seed catalog items, read quantities, set the limit."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from omnistock.sandbox.common.faults import ADMIN_PREFIX
from omnistock.sandbox.meta.catalog import Catalog
from omnistock.sandbox.meta.state import DEFAULT_CATALOG_ID, MetaSandbox, demo_fields

_Strict = ConfigDict(extra="forbid")


class SeedItem(BaseModel):
    model_config = _Strict
    retailer_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    price: str = Field(default="0.00 PLN", pattern=r"^\d+(\.\d{1,2})? [A-Z]{3}$")
    quantity_to_sell_on_facebook: int = Field(default=0, ge=0)
    availability: Literal["in stock", "out of stock"] | None = None


class SeedItems(BaseModel):
    model_config = _Strict
    catalog_id: str = Field(default=DEFAULT_CATALOG_ID, pattern=r"^\d{6,20}$")
    items: list[SeedItem] = Field(min_length=1)
    replace: bool = Field(default=False, description="Remove the catalog's existing items first.")


class BatchLimit(BaseModel):
    model_config = _Strict
    calls: int = Field(ge=1, description="items_batch calls allowed per catalog per window")
    window_seconds: float = Field(gt=0, description="window length in sandbox seconds")
    max_requests: int = Field(default=5000, ge=1, description="requests per items_batch call")
    max_payload_bytes: int = Field(
        default=28 * 1024 * 1024, ge=1, description="body size per items_batch call"
    )


def quantities(catalog: Catalog) -> dict[str, Any]:
    return {
        "catalog_id": catalog.id,
        "items": [
            {
                "id": item.id,
                "retailer_id": item.retailer_id,
                "quantity_to_sell_on_facebook": item.fields.get("quantity_to_sell_on_facebook"),
                "availability": item.fields.get("availability"),
            }
            for item in catalog.items.values()
        ],
    }


def admin_routes(sandbox: MetaSandbox) -> APIRouter:
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["meta"])

    @router.post("/items", status_code=201)
    async def seed_items(request: SeedItems) -> dict[str, Any]:
        """Create a catalog if needed and add (or overwrite) items in it."""
        catalog = sandbox.catalogs.setdefault(request.catalog_id, Catalog(request.catalog_id))
        if request.replace:
            catalog.items.clear()
        for seed in request.items:
            fields = demo_fields(
                seed.retailer_id, seed.title, seed.price, seed.quantity_to_sell_on_facebook
            )
            if seed.availability is not None:
                fields["availability"] = seed.availability
            catalog.items.pop(seed.retailer_id, None)
            catalog.add(seed.retailer_id, fields)
        return quantities(catalog)

    @router.get("/quantities")
    async def read_quantities(catalog_id: str = DEFAULT_CATALOG_ID) -> dict[str, Any]:
        """Current items of a catalog (finished batches applied first)."""
        sandbox.settle()
        catalog = sandbox.catalogs.get(catalog_id)
        if catalog is None:
            raise HTTPException(404, f"no catalog {catalog_id}")
        return quantities(catalog)

    @router.get("/limits")
    async def get_limit() -> BatchLimit:
        return BatchLimit(
            calls=sandbox.limit.limit,
            window_seconds=sandbox.limit.window_seconds,
            max_requests=sandbox.max_requests,
            max_payload_bytes=sandbox.max_payload_bytes,
        )

    @router.put("/limits")
    async def put_limit(limit: BatchLimit) -> BatchLimit:
        """Change the Catalog Batch rate limit (starts a fresh window) and the batch size caps."""
        sandbox.set_limit(limit.calls, limit.window_seconds)
        sandbox.max_requests = limit.max_requests
        sandbox.max_payload_bytes = limit.max_payload_bytes
        return limit

    @router.get("/batches")
    async def list_batches() -> list[dict[str, Any]]:
        """Every submitted batch handle with its status and request count."""
        now = sandbox.now()
        return [
            {
                "handle": b.handle,
                "catalog_id": b.catalog_id,
                "requests": len(b.requests),
                "status": b.status(now),
                "errors": len(b.errors),
            }
            for b in sandbox.batches.batches.values()
        ]

    return router
