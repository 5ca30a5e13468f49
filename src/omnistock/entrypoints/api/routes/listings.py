"""``/api/v1/listings``: list (optionally of one channel) and link a SKU to an offer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from omnistock.domain.ids import ChannelId, Sku
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import catalog

__all__ = ["router"]

router = APIRouter(prefix="/listings", tags=["listings"])


class ListingIn(Strict):
    sku: str = Field(min_length=1, max_length=64)
    channel: str = Field(min_length=1, max_length=100)
    offer_id: str = Field(min_length=1, max_length=200)


@router.get("")
def list_listings(
    request: Request,
    _who: Viewer,
    channel: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict[str, Any]]:
    """Listings with desired and last pushed quantities."""
    uow = api_state(request).app.uow()
    chosen = ChannelId(channel) if channel else None
    result: list[dict[str, Any]] = plain(catalog.list_listings(uow, chosen))
    return result


@router.post("", status_code=201)
def link_listing(request: Request, body: ListingIn, _who: Operator) -> dict[str, Any]:
    """Link a SKU to an offer id on a channel account; its desired quantity is computed."""
    app = api_state(request).app
    listing = catalog.link_listing(
        app.uow(), Sku(body.sku), ChannelId(body.channel), body.offer_id, now=app.clock.now()
    )
    result: dict[str, Any] = plain(listing)
    return result
