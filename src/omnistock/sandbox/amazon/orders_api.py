"""Orders API 2026-01-01: ``searchOrders`` and ``getOrder``."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from omnistock.sandbox.amazon.errors import SpApiError
from omnistock.sandbox.amazon.order_render import INCLUDED_DATA, render_order
from omnistock.sandbox.amazon.order_search import csv_values
from omnistock.sandbox.amazon.sandbox import AmazonSandbox
from omnistock.sandbox.amazon.spapi import guard, query_lists, sp_json

__all__ = ["orders_router"]

ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")


def orders_router(sandbox: AmazonSandbox) -> APIRouter:
    """Routes bound to ``sandbox``."""
    router = APIRouter(prefix="/orders/2026-01-01")

    @router.get("/orders")
    async def search_orders(request: Request) -> JSONResponse:
        plan = guard(sandbox, request, "searchOrders")
        now = sandbox.settle()
        try:
            body = sandbox.search.search(query_lists(request), sandbox.orders.orders.values(), now)
        except SpApiError as exc:
            exc.limit = plan.header
            raise
        return sp_json(body, plan)

    @router.get("/orders/{orderId}")
    async def get_order(request: Request, orderId: str) -> JSONResponse:
        plan = guard(sandbox, request, "getOrder")
        included = csv_values(request.query_params.getlist("includedData"))
        unknown = sorted(set(included) - INCLUDED_DATA)
        if unknown or not ORDER_ID.match(orderId):
            message = f"Invalid includedData: {', '.join(unknown)}." if unknown else "Invalid Input"
            raise SpApiError(400, "InvalidInput", message, limit=plan.header)
        sandbox.settle()
        order = sandbox.orders.orders.get(orderId)
        if order is None:
            raise SpApiError(404, "NotFound", f"Order {orderId} not found.", limit=plan.header)
        return sp_json({"order": render_order(order, frozenset(included))}, plan)

    return router
