"""Graph API catalog edges: ``items_batch``, ``check_batch_request_status`` and ``products``.

Paths work with a version prefix (``/v26.0/{catalog_id}/items_batch``) or without one, as on
graph.facebook.com. There is no order API: Meta removed it in 2026.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from omnistock.sandbox.meta.catalog import Catalog, CatalogItem
from omnistock.sandbox.meta.errors import GraphError, param_error, throttled, unknown_object
from omnistock.sandbox.meta.params import check_token, graph_params, json_param
from omnistock.sandbox.meta.state import MetaSandbox

_VERSION = re.compile(r"^v\d+\.\d+$")
ITEM_TYPES = ("PRODUCT_ITEM", "HOTEL", "FLIGHT", "DESTINATION", "HOME_LISTING", "VEHICLE")
MAX_PAGE = 1000


def _catalog(sandbox: MetaSandbox, version: str | None, catalog_id: str, method: str) -> Catalog:
    if version is not None and not _VERSION.match(version):
        raise GraphError("Unknown path components", code=2500)
    catalog = sandbox.catalogs.get(catalog_id)
    if catalog is None:
        raise unknown_object(catalog_id, method)
    return catalog


def _batch_requests(params: dict[str, Any], max_requests: int) -> tuple[list[Any], bool]:
    item_type = params.get("item_type")
    if item_type is None:
        raise param_error("The parameter item_type is required")
    if item_type not in ITEM_TYPES:
        raise param_error(f"Param item_type must be one of {{{', '.join(ITEM_TYPES)}}}")
    if params.get("requests") is None:
        raise param_error("The parameter requests is required")
    requests = json_param(params, "requests")
    if not isinstance(requests, list):
        raise param_error("Param requests must be an array.")
    if len(requests) > max_requests:
        raise param_error(f"Param requests must contain at most {max_requests} elements")
    upsert = params.get("allow_upsert", True)
    return requests, str(upsert).lower() not in ("false", "0")


async def items_batch(
    sandbox: MetaSandbox, request: Request, version: str | None, catalog_id: str
) -> JSONResponse:
    params = await graph_params(request)
    check_token(request, params, sandbox.access_token)
    catalog = _catalog(sandbox, version, catalog_id, "post")
    try:
        if len(await request.body()) > sandbox.max_payload_bytes:
            megabytes = sandbox.max_payload_bytes / 1024 / 1024
            raise param_error(f"The request payload exceeds the maximum size of {megabytes:g} MB")
        requests, upsert = _batch_requests(params, sandbox.max_requests)
        if not sandbox.limit.hit(catalog.id).allowed:
            raise throttled()
    except GraphError as error:
        return error.response(sandbox.usage_header(catalog.id))
    delay = sandbox.injector.async_delay_seconds()
    batch = sandbox.batches.submit(catalog.id, requests, upsert, sandbox.now(), delay)
    return JSONResponse({"handles": [batch.handle]}, headers=sandbox.usage_header(catalog.id))


async def batch_status(
    sandbox: MetaSandbox, request: Request, version: str | None, catalog_id: str
) -> JSONResponse:
    params = await graph_params(request)
    check_token(request, params, sandbox.access_token)
    catalog = _catalog(sandbox, version, catalog_id, "get")
    handle = params.get("handle")
    if not handle:
        raise param_error("The parameter handle is required")
    batch = sandbox.batches.batches.get(str(handle))
    if batch is None or batch.catalog_id != catalog.id:
        raise param_error("Param handle is not a valid batch handle for this catalog")
    sandbox.settle()
    with_ids = str(params.get("load_ids_of_invalid_requests", "")).lower() in ("true", "1")
    return JSONResponse({"data": [batch.report(sandbox.now(), with_ids)]})


def _matches(item: CatalogItem, condition: Any) -> bool:
    if not isinstance(condition, dict):
        raise param_error("Param filter must be a JSON object of field conditions")
    for field, test in condition.items():
        value = item.retailer_id if field == "retailer_id" else item.fields.get(field)
        if not isinstance(test, dict):
            raise param_error(f"Param filter has an invalid condition for {field}")
        if "eq" in test and str(value) != str(test["eq"]):
            return False
        if "is_any" in test and str(value) not in {str(v) for v in test["is_any"]}:
            return False
    return True


async def products(
    sandbox: MetaSandbox, request: Request, version: str | None, catalog_id: str
) -> JSONResponse:
    params = await graph_params(request)
    check_token(request, params, sandbox.access_token)
    catalog = _catalog(sandbox, version, catalog_id, "get")
    sandbox.settle()
    condition = json_param(params, "filter") if params.get("filter") else {}
    items = [item for item in catalog.items.values() if _matches(item, condition)]
    fields = [f for f in str(params.get("fields", "")).split(",") if f]
    return JSONResponse(_page(items, fields, params, str(request.url).split("?")[0]))


def _page(
    items: list[CatalogItem], fields: list[str], params: dict[str, Any], url: str
) -> dict[str, Any]:
    try:
        limit = min(MAX_PAGE, max(1, int(params.get("limit", 25))))
        start = int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
    except (ValueError, TypeError):
        raise param_error("Param after or limit is invalid") from None
    page = items[start : start + limit]
    body: dict[str, Any] = {"data": [item.read(fields) for item in page]}
    if page:
        cursor = {"before": _cursor(start), "after": _cursor(start + len(page))}
        body["paging"] = {"cursors": cursor}
        if start + limit < len(items):
            query = {k: v for k, v in params.items() if k != "access_token"}
            body["paging"]["next"] = f"{url}?{urlencode({**query, 'after': cursor['after']})}"
    return body


def _cursor(index: int) -> str:
    return base64.b64encode(str(index).encode()).decode()


def graph_router(sandbox: MetaSandbox) -> APIRouter:
    """The catalog edges, each with and without a ``/vXX.X`` version prefix."""
    router = APIRouter(include_in_schema=False)
    edges = (
        ("items_batch", "POST", items_batch),
        ("check_batch_request_status", "GET", batch_status),
        ("products", "GET", products),
    )
    for edge, method, handler in edges:
        _route(router, sandbox, edge, method, handler)

    @router.api_route("/{version}/{catalog_id}/{edge}", methods=["GET", "POST", "DELETE"])
    async def other_edge(version: str, catalog_id: str, edge: str, request: Request) -> None:
        """Any other edge (``commerce_orders`` included: Meta removed the order API in 2026)."""
        _catalog(sandbox, version, catalog_id, request.method.lower())
        raise GraphError(
            f"(#100) Tried accessing nonexisting field ({edge}) on node type (ProductCatalog)",
            code=100,
        )

    return router


def _route(router: APIRouter, sandbox: MetaSandbox, edge: str, method: str, handler: Any) -> None:
    async def versioned(version: str, catalog_id: str, request: Request) -> JSONResponse:
        response: JSONResponse = await handler(sandbox, request, version, catalog_id)
        return response

    async def plain(catalog_id: str, request: Request) -> JSONResponse:
        response: JSONResponse = await handler(sandbox, request, None, catalog_id)
        return response

    router.add_api_route(f"/{{version}}/{{catalog_id}}/{edge}", versioned, methods=[method])
    router.add_api_route(f"/{{catalog_id}}/{edge}", plain, methods=[method])
