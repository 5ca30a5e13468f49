"""``/api/v1/channels``: list and add channel accounts, and one channel's sync status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from omnistock.domain.errors import UnknownChannel
from omnistock.domain.ids import ChannelKind
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import catalog
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.status import channel_status

__all__ = ["router"]

router = APIRouter(prefix="/channels", tags=["channels"])


class ChannelIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    kind: ChannelKind


@router.get("")
def list_channels(request: Request, _who: Viewer) -> list[dict[str, Any]]:
    """Every channel account."""
    result: list[dict[str, Any]] = plain(catalog.list_channels(api_state(request).app.uow()))
    return result


@router.post("", status_code=201)
def add_channel(request: Request, body: ChannelIn, _who: Operator) -> dict[str, Any]:
    """Add a channel account (409 if the name is taken)."""
    app = api_state(request).app
    account = catalog.add_channel(app.uow(), body.name, body.kind, now=app.clock.now())
    result: dict[str, Any] = plain(account)
    return result


@router.get("/{channel}/status")
def status(request: Request, channel: str, _who: Viewer) -> dict[str, object]:
    """Dirty, in flight, retry, held, dead, error, breaker, budget left, last success."""
    state = api_state(request)
    if channel not in {c.name for c in catalog.list_channels(state.app.uow())}:
        raise UnknownChannel(f"no channel account {channel!r}", field="channel")
    store = SyncStore(state.app.engine)
    return channel_status(store, channel, state.adapters.get(channel), state.app.clock.now())
