"""Offer routes: ``GET /sale/offers``, ``GET|PATCH /sale/product-offers/{offerId}``, operations."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Request, Response

from omnistock.sandbox.allegro.edits import OfferEdit, PendingEdit, apply_edit, parse_edit
from omnistock.sandbox.allegro.errors import AllegroError, AllegroResponse
from omnistock.sandbox.allegro.guard import Guard, int_param, multi, read_json, seller_of
from omnistock.sandbox.allegro.offers import Offer, OfferQuery, OfferStatus
from omnistock.sandbox.allegro.orders import new_uuid
from omnistock.sandbox.allegro.render import (
    listing_offer,
    product_offer,
    shipping_rates_set,
    timestamp,
)
from omnistock.sandbox.allegro.state import AllegroSandbox

__all__ = ["offers_router"]

_SORTS = {"sellingMode.price.amount", "stock.sold", "stock.available"}


def _not_found(offer_id: str) -> AllegroError:
    return AllegroError(
        404,
        "NotFoundException",
        f"Offer {offer_id} not found",
        user_message="Nie znaleziono oferty.",
    )


def _decimal(request: Request, name: str) -> Decimal | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise AllegroError(400, "VALIDATION_ERROR", "must be a number", path=name) from exc


def _query(request: Request) -> OfferQuery:
    statuses = multi(request, "publication.status")
    external = multi(request, "external.id")
    sort = request.query_params.get("sort")
    if any(s not in OfferStatus.__members__ for s in statuses):
        raise AllegroError(400, "VALIDATION_ERROR", "unknown status", path="publication.status")
    if len(external) > 100 or any(len(e) > 100 for e in external):
        raise AllegroError(
            400, "VALIDATION_ERROR", "at most 100 ids of at most 100 characters", path="external.id"
        )
    if sort is not None and sort.lstrip("-") not in _SORTS:
        raise AllegroError(400, "VALIDATION_ERROR", "unsupported sort", path="sort")
    return OfferQuery(
        ids=frozenset(multi(request, "offer.id")),
        external_ids=frozenset(external),
        statuses=frozenset(statuses),
        formats=frozenset(multi(request, "sellingMode.format")),
        name=request.query_params.get("name"),
        category_id=request.query_params.get("category.id"),
        price_gte=_decimal(request, "sellingMode.price.amount.gte"),
        price_lte=_decimal(request, "sellingMode.price.amount.lte"),
        sort=sort,
    )


def offers_router(sandbox: AllegroSandbox, guard: Guard) -> APIRouter:
    """Routes over the seller's offers."""
    router = APIRouter(dependencies=[Depends(guard)])

    @router.get("/sale/offers")
    async def search_offers(request: Request) -> AllegroResponse:
        seller_of(request)
        limit = int_param(request, "limit", 20, 1, 1000, status=400)
        offset = int_param(request, "offset", 0, 0, 9_999_999, status=400)
        if offset + limit > 10_000_000:
            raise AllegroError(400, "VALIDATION_ERROR", "offset + limit > 10000000", path="offset")
        found = sandbox.offers.search(_query(request))
        page = found[offset : offset + limit]
        body = {"offers": [listing_offer(o) for o in page], "count": len(page)}
        return AllegroResponse({**body, "totalCount": len(found)})

    @router.get("/sale/product-offers/{offerId}")
    async def get_offer(offerId: str, request: Request) -> AllegroResponse:
        if not sandbox.budgets.admit_read(seller_of(request)).allowed:
            raise AllegroError.for_status(429)
        offer = sandbox.offers.get(offerId)
        if offer is None:
            raise _not_found(offerId)
        return AllegroResponse(product_offer(offer))

    @router.get("/sale/shipping-rates/{id}")
    async def get_shipping_rates(id: str, request: Request) -> AllegroResponse:
        seller_of(request)
        rates = sandbox.shipping_rates.get(id)
        if rates is None:
            raise AllegroError(
                404,
                "NotFoundException",
                f"Shipping rates set {id} not found",
                user_message="Nie znaleziono cennika dostawy.",
            )
        return AllegroResponse(shipping_rates_set(rates))

    @router.patch("/sale/product-offers/{offerId}")
    async def edit_offer(offerId: str, request: Request) -> Response:
        seller = seller_of(request)
        if not sandbox.budgets.admit_patch(seller).allowed:
            raise AllegroError.for_status(429)
        try:
            return await _edit(sandbox, offerId, request)
        except AllegroError as error:
            if 400 <= error.status < 500:
                sandbox.budgets.penalise_patch(seller)
            raise

    @router.get("/sale/product-offers/{offerId}/operations/{operationId}")
    async def operation(offerId: str, operationId: str, request: Request) -> Response:
        seller_of(request)
        pending = sandbox.operations.get(operationId)
        if pending is None or pending.offer_id != offerId:
            raise AllegroError(404, "NotFoundException", f"Operation {operationId} not found")
        if sandbox.edits.get(offerId) is pending:
            return _operation_pending(sandbox, pending)
        return Response(status_code=303, headers={"Location": f"/sale/product-offers/{offerId}"})

    return router


async def _edit(sandbox: AllegroSandbox, offer_id: str, request: Request) -> Response:
    offer = sandbox.offers.get(offer_id)
    if offer is None:
        raise _not_found(offer_id)
    edit = parse_edit(await read_json(request))
    stock_after = offer.available if edit.available is None else edit.available
    if edit.status == "ACTIVE" and stock_after == 0:
        raise AllegroError(
            422, "VALIDATION_ERROR", "an offer without stock cannot be active", path="stock"
        )
    if offer_id in sandbox.edits:
        raise AllegroError(
            409,
            "OperationInProgressException",
            "The previous edition of the offer is still being processed.",
            user_message="Poprzednia edycja oferty jest jeszcze przetwarzana.",
        )
    delay = sandbox.injector.async_delay_seconds()
    if delay <= 0:
        apply_edit(offer, edit, sandbox.now())
        return AllegroResponse(product_offer(offer))
    return _accept_edit(sandbox, offer, edit, delay)


def _accept_edit(sandbox: AllegroSandbox, offer: Offer, edit: OfferEdit, delay: float) -> Response:
    pending = PendingEdit(
        operation_id=new_uuid(sandbox.random),
        offer_id=offer.id,
        edit=edit,
        started_at=sandbox.now(),
        due=sandbox.clock.elapsed_seconds() + delay,
    )
    sandbox.edits[offer.id] = sandbox.operations[pending.operation_id] = pending
    headers = {
        "Location": f"/sale/product-offers/{offer.id}/operations/{pending.operation_id}",
        "Retry-After": str(math.ceil(delay)),
    }
    return AllegroResponse(product_offer(offer), 202, headers=headers)


def _operation_pending(sandbox: AllegroSandbox, pending: PendingEdit) -> Response:
    left = max(0.0, pending.due - sandbox.clock.elapsed_seconds())
    body = {
        "offer": {"id": pending.offer_id},
        "operation": {
            "id": pending.operation_id,
            "status": "IN_PROGRESS",
            "startedAt": timestamp(pending.started_at),
        },
    }
    return AllegroResponse(body, 202, headers={"Retry-After": str(math.ceil(left))})
