"""``/api/v1/channels``: list and add channel accounts, one channel's sync status, and a probe
of its API (``POST /channels/{channel}/test``, operator: it calls the channel)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from omnistock.domain.errors import InvalidValue, UnknownChannel
from omnistock.domain.ids import ChannelId, ChannelKind
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import catalog
from omnistock.service.channel_probe import probe_channel, sample_offers
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
    _kind(request, channel)
    store = SyncStore(state.app.engine)
    return channel_status(store, channel, state.adapters.get(channel), state.app.clock.now())


@router.post("/{channel}/test")
def probe(request: Request, channel: str, _who: Operator) -> dict[str, Any]:
    """One harmless read call → ``auth_ok``, ``latency_ms``, the documented ``limits`` and the
    ``error`` if the call failed (as ``omnistock channel test NAME --json``)."""
    kind = _kind(request, channel)
    adapter = api_state(request).adapters.get(channel)
    if adapter is None:
        detail = f"this server has no adapter for {channel!r} (configure [channels.{channel}])"
        raise InvalidValue(detail, field="channel")
    offers = sample_offers(api_state(request).app.uow(), ChannelId(channel))
    return probe_channel(channel, kind, adapter, offers).to_dict()


def _kind(request: Request, channel: str) -> str:
    """The kind of channel account ``channel`` (404 when there is none)."""
    for account in catalog.list_channels(api_state(request).app.uow()):
        if account.name == channel:
            return str(account.kind.value)
    raise UnknownChannel(f"no channel account {channel!r}", field="channel")
