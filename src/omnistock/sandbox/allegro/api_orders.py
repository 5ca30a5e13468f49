"""Order routes: ``/order/events``, ``/order/event-stats``, ``/order/checkout-forms[/{id}]``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request

from omnistock.sandbox.allegro.errors import AllegroError, AllegroResponse
from omnistock.sandbox.allegro.guard import Guard, int_param, is_uuid, multi, seller_of
from omnistock.sandbox.allegro.orders import CheckoutForm, OrderEvent
from omnistock.sandbox.allegro.render import checkout_form, timestamp
from omnistock.sandbox.allegro.state import AllegroSandbox

__all__ = ["EVENT_TYPES", "orders_router", "parse_date", "with_faults"]

T = TypeVar("T")

EVENT_TYPES = frozenset(
    {
        "BOUGHT",
        "FILLED_IN",
        "READY_FOR_PROCESSING",
        "BUYER_CANCELLED",
        "FULFILLMENT_STATUS_CHANGED",
        "BUYER_MODIFIED",
        "AUTO_CANCELLED",
    }
)
_FORM_SORTS = {"lineItems.boughtAt", "updatedAt"}


def _event(event: OrderEvent) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "type": event.type,
        "occurredAt": timestamp(event.occurred_at),
        "order": event.order,
    }


def with_faults(sandbox: AllegroSandbox, page: list[T], limit: int) -> list[T]:
    """Duplicated/reordered as the fault config says, never more than ``limit`` events."""
    delivered = sandbox.injector.events(page)
    extra = Counter(id(e) for e in delivered)
    while len(delivered) > limit:
        for n in range(len(delivered) - 1, -1, -1):
            if extra[id(delivered[n])] > 1:
                extra[id(delivered[n])] -= 1
                del delivered[n]
                break
    return delivered


def parse_date(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise AllegroError(400, "VALIDATION_ERROR", "must be an ISO 8601 date", path=name) from exc
    if moment.tzinfo is None:
        raise AllegroError(400, "VALIDATION_ERROR", "must carry a time zone", path=name)
    return moment


def _form_filter(request: Request) -> Callable[[CheckoutForm], bool]:
    p = request.query_params
    bounds = {
        name: parse_date(request, name)
        for name in (
            "updatedAt.gte",
            "updatedAt.lte",
            "lineItems.boughtAt.gte",
            "lineItems.boughtAt.lte",
        )
    }

    def keep(form: CheckoutForm) -> bool:
        bought = max(li.bought_at for li in form.line_items)
        checks = (
            p.get("status") in (None, form.status.value),
            p.get("fulfillment.status") in (None, form.fulfillment_status),
            p.get("buyer.login") in (None, form.buyer.login),
            p.get("payment.id") in (None, form.payment_id),
            bounds["updatedAt.gte"] is None or form.updated_at >= bounds["updatedAt.gte"],
            bounds["updatedAt.lte"] is None or form.updated_at <= bounds["updatedAt.lte"],
            bounds["lineItems.boughtAt.gte"] is None or bought >= bounds["lineItems.boughtAt.gte"],
            bounds["lineItems.boughtAt.lte"] is None or bought <= bounds["lineItems.boughtAt.lte"],
        )
        return all(checks)

    return keep


def _sorted_forms(request: Request, forms: list[CheckoutForm]) -> list[CheckoutForm]:
    sort = request.query_params.get("sort", "-lineItems.boughtAt")
    if sort.lstrip("-") not in _FORM_SORTS:
        raise AllegroError(400, "VALIDATION_ERROR", "unsupported sort", path="sort")
    if sort.lstrip("-") == "updatedAt":
        return sorted(forms, key=lambda f: f.updated_at, reverse=sort.startswith("-"))
    return sorted(
        forms,
        key=lambda f: max(li.bought_at for li in f.line_items),
        reverse=sort.startswith("-"),
    )


def orders_router(sandbox: AllegroSandbox, guard: Guard) -> APIRouter:
    """Order journal and checkout-form routes."""
    router = APIRouter(dependencies=[Depends(guard)])

    @router.get("/order/events")
    async def events(request: Request) -> AllegroResponse:
        seller_of(request)
        limit = int_param(request, "limit", 100, 1, 1000)
        types = set(multi(request, "type"))
        if not types <= EVENT_TYPES:
            raise AllegroError(422, "VALIDATION_ERROR", "unknown event type", path="type")
        after = request.query_params.get("from")
        if after is not None and not after.isdigit():
            raise AllegroError(422, "VALIDATION_ERROR", "invalid event id", path="from")
        page = sandbox.orders.events_after(
            int(after) if after else None, types, limit, sandbox.now()
        )
        return AllegroResponse({"events": [_event(e) for e in with_faults(sandbox, page, limit)]})

    @router.get("/order/event-stats")
    async def event_stats(request: Request) -> AllegroResponse:
        seller_of(request)
        latest = sandbox.orders.latest()
        if latest is None:
            body = {"id": "0", "occurredAt": timestamp(sandbox.clock.start)}
        else:
            body = {"id": str(latest.id), "occurredAt": timestamp(latest.occurred_at)}
        return AllegroResponse({"latestEvent": body})

    @router.get("/order/checkout-forms")
    async def forms(request: Request) -> AllegroResponse:
        seller_of(request)
        limit = int_param(request, "limit", 100, 1, 100)
        offset = int_param(request, "offset", 0, 0, 10_000_000)
        keep = _form_filter(request)
        found = _sorted_forms(request, [f for f in sandbox.orders.forms.values() if keep(f)])
        page = found[offset : offset + limit]
        return AllegroResponse(
            {
                "checkoutForms": [checkout_form(f) for f in page],
                "count": len(page),
                "totalCount": len(found),
            }
        )

    @router.get("/order/checkout-forms/{id}")
    async def form(id: str, request: Request) -> AllegroResponse:
        seller_of(request)
        form_id = id
        if not is_uuid(form_id):
            raise AllegroError(422, "VALIDATION_ERROR", "must be a valid UUID", path="id")
        found = sandbox.orders.get(form_id)
        if found is None:
            raise AllegroError(
                404,
                "CheckoutFormNotFoundException",
                f"Checkout form with id {form_id} not found",
                user_message="Nie znaleziono zamówienia.",
            )
        return AllegroResponse(checkout_form(found))

    return router
