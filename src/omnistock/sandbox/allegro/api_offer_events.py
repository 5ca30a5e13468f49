"""``GET /sale/offer-events``: the seller's offer event journal of the last 24 hours."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from omnistock.sandbox.allegro.api_orders import with_faults
from omnistock.sandbox.allegro.errors import AllegroError, AllegroResponse
from omnistock.sandbox.allegro.guard import Guard, int_param, multi, seller_of
from omnistock.sandbox.allegro.offer_events import OFFER_EVENT_TYPES, decode_id, encode_id
from omnistock.sandbox.allegro.render import timestamp
from omnistock.sandbox.allegro.state import AllegroSandbox

__all__ = ["offer_events_router"]


def offer_events_router(sandbox: AllegroSandbox, guard: Guard) -> APIRouter:
    """The offer event route."""
    router = APIRouter(dependencies=[Depends(guard)])

    @router.get("/sale/offer-events")
    async def offer_events(request: Request) -> AllegroResponse:
        seller_of(request)
        limit = int_param(request, "limit", 100, 1, 1000, status=400)
        types = set(multi(request, "type"))
        if not types <= OFFER_EVENT_TYPES:
            raise AllegroError(400, "VALIDATION_ERROR", "unknown event type", path="type")
        raw_from = request.query_params.get("from")
        after = decode_id(raw_from) if raw_from is not None else None
        if raw_from is not None and (after is None or len(raw_from) > 256):
            raise AllegroError(400, "VALIDATION_ERROR", "invalid event id", path="from")
        page = sandbox.offer_events.after(after, types, limit, sandbox.now())
        events = [
            {
                "id": encode_id(e.seq),
                "occurredAt": timestamp(e.occurred_at),
                "type": e.type,
                "offer": e.offer,
            }
            for e in with_faults(sandbox, page, limit)
        ]
        return AllegroResponse({"offerEvents": events})

    return router
