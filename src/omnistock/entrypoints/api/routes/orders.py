"""``/api/v1/orders``: imported orders; personal data only for operators, and audited.

``GET /orders`` and ``GET /orders/{id}`` never show personal data by default (viewers may call
them). ``GET /orders/{id}?with_personal=true`` needs the operator role and the privacy keys
(environment or ``[privacy] key_file``); it decrypts the buyer's data and appends one row to
``privacy_audit`` (action ``read``, identifier kind ``order``, the SHA-256 of ``orders#<id>``).
``POST /orders/import`` imports a channel account's new and changed orders through the adapter
the server was started with.
"""

from __future__ import annotations

import hashlib
import os
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field

from omnistock.channels.base import ChannelAdapter
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.entrypoints.api.auth import Operator, Viewer, check_role
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.privacy.sealing import Sealer
from omnistock.service.order_ports import OrderFeed
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.orders import import_channel, list_orders, show_order
from omnistock.service.tokens import Role
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.privacy_repository import AuditEntry, record_audit

__all__ = ["router"]

router = APIRouter(prefix="/orders", tags=["orders"])


class ImportIn(Strict):
    channel: str = Field(min_length=1, max_length=100, description="Channel account name.")


@router.get("")
def orders(
    request: Request,
    _who: Viewer,
    channel: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """Stored orders, newest first (ids, status, flags, lines; never personal data)."""
    engine = api_state(request).app.engine
    return list_orders(OrderUnitOfWork(engine), ChannelId(channel) if channel else None, limit)


@router.get("/{id}")
def order(
    request: Request,
    id: Annotated[int, Path(ge=1, le=2**62)],
    who: Viewer,
    with_personal: bool = False,
) -> dict[str, Any]:
    """One order; ``?with_personal=true`` (operator) adds the buyer's data, audited."""
    state = api_state(request)
    if not with_personal:
        return show_order(OrderUnitOfWork(state.app.engine), id)
    check_role(who, Role.OPERATOR)
    view = show_order(OrderUnitOfWork(state.app.engine), id, sealer=privacy_sealer(request))
    _audit(request, who.actor, id, view.get("personal"))
    return view


def privacy_sealer(request: Request) -> PrivacySealer:
    """The app's privacy sealer (shared with ``routes.privacy``), built on first use."""
    cached = getattr(request.app.state, "privacy_sealer", None)
    if not isinstance(cached, Sealer):
        key_file = api_state(request).app.settings.section("privacy").get("key_file")
        cached = Sealer.from_env(os.environ, key_file=key_file)
        request.app.state.privacy_sealer = cached
    return PrivacySealer(cached)


def _audit(request: Request, actor: str, order_id: int, personal: Any) -> None:
    values = personal.values() if isinstance(personal, dict) else ()
    entry = AuditEntry(
        at=api_state(request).app.clock.now(),
        actor=actor,
        surface="api",
        action="read",
        identifier_kind="order",
        identifier_hash=hashlib.sha256(f"orders#{order_id}".encode()).hexdigest(),
        records=1 if personal is not None else 0,
        fields=sum(1 for v in values if v),
    )
    with api_state(request).app.engine.begin() as conn:
        record_audit(conn, entry)


@router.post("/import")
def import_orders(request: Request, body: ImportIn, _who: Operator) -> dict[str, Any]:
    """Import the account's new and changed orders from its stored cursors → the summary."""
    state = api_state(request)
    adapter = state.adapters.get(body.channel)
    feed = order_feed(adapter) if adapter is not None else None
    if feed is None:
        raise InvalidValue(f"no order-taking channel {body.channel!r} here", field="channel")
    section = state.app.settings.section("privacy")
    contacts = ContactPolicy(
        keep_email=bool(section.get("keep_order_email", False)),
        keep_phone=bool(section.get("keep_order_phone", False)),
    )
    summary = import_channel(
        lambda: OrderUnitOfWork(state.app.engine), feed,
        sealer=privacy_sealer(request), contacts=contacts, clock=state.app.clock,
    )  # fmt: skip
    return summary.to_dict()


def order_feed(adapter: ChannelAdapter) -> OrderFeed | None:
    """The order feed over a running adapter (Allegro, WooCommerce, Amazon), else ``None``."""
    from omnistock.channels.allegro import AllegroAdapter
    from omnistock.channels.allegro.order_details import AllegroOrderFeed
    from omnistock.channels.amazon import AmazonAdapter
    from omnistock.channels.amazon.order_details import AmazonOrderFeed
    from omnistock.channels.woocommerce import WooAdapter
    from omnistock.channels.woocommerce.order_details import WooOrderFeed

    if isinstance(adapter, AllegroAdapter):
        return AllegroOrderFeed(adapter.api)
    if isinstance(adapter, WooAdapter):
        return WooOrderFeed(adapter.http)
    if isinstance(adapter, AmazonAdapter):
        return AmazonOrderFeed(adapter.api, adapter.config.marketplace_id)
    return None
