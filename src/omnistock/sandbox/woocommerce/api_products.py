"""``/wc/v3/products`` and ``/wc/v3/products/{id}/variations``: read, update and batch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from omnistock.sandbox.woocommerce import render
from omnistock.sandbox.woocommerce.body import read_fields
from omnistock.sandbox.woocommerce.catalog import Item
from omnistock.sandbox.woocommerce.errors import WooError, invalid_param
from omnistock.sandbox.woocommerce.paging import paginate
from omnistock.sandbox.woocommerce.shop import WooShop

BATCH_LIMIT = 100  # 'woocommerce_rest_batch_items_limit' default
EDIT = ["POST", "PUT", "PATCH"]


def _listed(request: Request, items: list[Item], shop: WooShop) -> JSONResponse:
    query = request.query_params
    if "sku" in query:
        wanted = set(query["sku"].split(","))
        items = [item for item in items if item.sku in wanted]
    items = sorted(items, key=lambda i: (i.date_created, i.id), reverse=query.get("order") != "asc")
    page, headers = paginate(items, query, str(request.url).split("?")[0])
    return JSONResponse([render.item(item, shop.base_url) for item in page], headers=headers)


def _too_large() -> WooError:
    return WooError(
        "woocommerce_rest_request_entity_too_large",
        f"Unable to accept more than {BATCH_LIMIT} items for this request.",
        413,
    )


def _transient() -> WooError:
    return WooError("db_update_error", "Could not update the product in the database.", 500)


def _ids(body: dict[str, Any], key: str) -> list[Any]:
    value = body.get(key, [])
    if not isinstance(value, list):
        raise invalid_param(key, f"{key} is not of type array.")
    return value


def run_batch(shop: WooShop, body: dict[str, Any], parent_id: int) -> dict[str, list[Any]]:
    """``batch_items``: count create+update+delete against the limit, then each item on its own."""
    parts = {key: _ids(body, key) for key in ("create", "update", "delete") if key in body}
    if sum(len(items) for items in parts.values()) > BATCH_LIMIT:
        raise _too_large()
    result: dict[str, list[Any]] = {}
    for key, items in parts.items():
        result[key] = [_batch_item(shop, key, entry, parent_id) for entry in items]
    return result


def _batch_item(shop: WooShop, key: str, entry: Any, parent_id: int) -> dict[str, Any]:
    raw_id = entry.get("id", 0) if isinstance(entry, dict) else entry
    try:
        if shop.injector.item_fails():
            raise _transient()
        return _apply_one(shop, key, entry, parent_id)
    except WooError as error:
        item_id = raw_id if isinstance(raw_id, int) else 0
        return {"id": item_id, "error": error.body()}


def _target(shop: WooShop, raw_id: Any, parent_id: int, status: int) -> Item:
    item_id = raw_id if isinstance(raw_id, int) else int(raw_id) if str(raw_id).isdigit() else 0
    if parent_id:
        return shop.catalog.variation(parent_id, item_id, status)
    return shop.catalog.get(item_id, "product", status)


def _apply_one(shop: WooShop, key: str, entry: Any, parent_id: int) -> dict[str, Any]:
    now = shop.now()
    if key == "create":
        fields = entry if isinstance(entry, dict) else {}
        item = shop.catalog.create(fields, parent_id, now)
        shop.product_changed(item, "created")
    elif key == "update":
        fields = entry if isinstance(entry, dict) else {}
        item = shop.catalog.update(_target(shop, fields.get("id"), parent_id, 400), fields, now)
        shop.product_changed(item)
    else:
        raw = entry.get("id") if isinstance(entry, dict) else entry
        item = _target(shop, raw, parent_id, 404)
        body = render.item(item, shop.base_url)
        shop.catalog.delete(item)
        shop.product_changed(item, "deleted")
        return body
    return render.item(item, shop.base_url)


def products_router(shop: WooShop) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/products")
    async def list_products(request: Request) -> JSONResponse:
        return _listed(request, shop.catalog.products(), shop)

    @router.get("/products/{product_id:int}")
    async def get_product(product_id: int) -> JSONResponse:
        return JSONResponse(render.product(shop.catalog.get(product_id), shop.base_url))

    @router.api_route("/products/{product_id:int}", methods=EDIT)
    async def update_product(product_id: int, request: Request) -> JSONResponse:
        item = shop.catalog.get(product_id, "product", 400)
        shop.catalog.update(item, await read_fields(request), shop.now())
        shop.product_changed(item)
        return JSONResponse(render.product(item, shop.base_url))

    @router.post("/products/batch")
    async def batch_products(request: Request) -> JSONResponse:
        return JSONResponse(run_batch(shop, await read_fields(request), 0))

    @router.get("/products/{product_id:int}/variations")
    async def list_variations(product_id: int, request: Request) -> JSONResponse:
        parent = shop.catalog.get(product_id)
        return _listed(request, [shop.catalog.items[i] for i in parent.variations], shop)

    @router.get("/products/{product_id:int}/variations/{variation_id:int}")
    async def get_variation(product_id: int, variation_id: int) -> JSONResponse:
        item = shop.catalog.variation(product_id, variation_id)
        return JSONResponse(render.variation(item, shop.base_url))

    @router.api_route("/products/{product_id:int}/variations/{variation_id:int}", methods=EDIT)
    async def update_variation(
        product_id: int, variation_id: int, request: Request
    ) -> JSONResponse:
        item = shop.catalog.variation(product_id, variation_id, 400)
        shop.catalog.update(item, await read_fields(request), shop.now())
        return JSONResponse(render.variation(item, shop.base_url))

    @router.post("/products/{product_id:int}/variations/batch")
    async def batch_variations(product_id: int, request: Request) -> JSONResponse:
        shop.catalog.get(product_id)
        return JSONResponse(run_batch(shop, await read_fields(request), product_id))

    return router
