"""``/wc/v3/orders``: list with date filters and paging, and single orders."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from omnistock.sandbox.woocommerce import render
from omnistock.sandbox.woocommerce.coerce import as_enum
from omnistock.sandbox.woocommerce.errors import invalid_id
from omnistock.sandbox.woocommerce.orders import ORDER_STATUSES, Order
from omnistock.sandbox.woocommerce.paging import is_true, paginate, parse_date
from omnistock.sandbox.woocommerce.shop import WooShop

ORDERBY = ("date", "id", "include", "title", "slug", "modified")


def _filtered(orders: list[Order], request: Request) -> list[Order]:
    query = request.query_params
    gmt = is_true(query, "dates_are_gmt")
    bounds = {
        name: parse_date(query, name, gmt)
        for name in ("after", "before", "modified_after", "modified_before")
    }
    statuses = [s for s in query.get("status", "any").split(",") if s]
    for status in statuses:
        as_enum("status", status, ("any", *ORDER_STATUSES))
    found = []
    for order in orders:
        if "any" not in statuses and order.status not in statuses:
            continue
        if order.status == "trash" and "trash" not in statuses:
            continue
        if not _within(order.date_created, bounds["after"], bounds["before"]):
            continue
        if not _within(order.date_modified, bounds["modified_after"], bounds["modified_before"]):
            continue
        found.append(order)
    return found


def _within(moment: object, after: object, before: object) -> bool:
    return (after is None or moment > after) and (before is None or moment < before)  # type: ignore[operator]


def _sorted(orders: list[Order], request: Request) -> list[Order]:
    query = request.query_params
    orderby = as_enum("orderby", query.get("orderby", "date"), ORDERBY)
    descending = as_enum("order", query.get("order", "desc"), ("asc", "desc")) == "desc"
    if orderby == "modified":
        return sorted(orders, key=lambda o: (o.date_modified, o.id), reverse=descending)
    if orderby == "id":
        return sorted(orders, key=lambda o: o.id, reverse=descending)
    return sorted(orders, key=lambda o: (o.date_created, o.id), reverse=descending)


def orders_router(shop: WooShop) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/orders")
    async def list_orders(request: Request) -> JSONResponse:
        found = _sorted(_filtered(list(shop.orders.orders.values()), request), request)
        page, headers = paginate(found, request.query_params, str(request.url).split("?")[0])
        return JSONResponse([render.order(o, shop.base_url) for o in page], headers=headers)

    @router.get("/orders/{order_id:int}")
    async def get_order(order_id: int) -> JSONResponse:
        order = shop.orders.orders.get(order_id)
        if order is None:
            raise invalid_id("shop_order", 404)
        return JSONResponse(render.order(order, shop.base_url))

    return router
