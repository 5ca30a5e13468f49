"""``POST /api/v1/webhooks/woocommerce/{channel}``: the shop pushes its orders.

Authenticated by the HMAC signature (``X-WC-Webhook-Signature``, the secret ``webhook_secret``
of ``[channels.NAME]``, ``"env:VAR"`` allowed), not by a bearer token: the route is public to
the role check. The raw body is verified before anything is parsed:

* wrong or missing signature → 401, nothing stored;
* the unsigned activation ping (``webhook_id=<n>``) → 200, nothing stored;
* a verified order → ``service.orders.receive_order`` (idempotent per channel and order id);
* a verified body that is not an order object → kept sealed in the quarantine with the reason
  and an incident (200: nothing is lost and the shop does not retry it forever).

A channel that is unknown, not a WooCommerce account or has no ``webhook_secret`` → 404.
"""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from omnistock.channels.woocommerce.webhook import WebhookVerdict, verify_webhook
from omnistock.domain.ids import ChannelId
from omnistock.entrypoints.api.auth import Public
from omnistock.entrypoints.api.problems import Problem, problem_response
from omnistock.entrypoints.api.routes.orders import order_feed, privacy_sealer
from omnistock.entrypoints.api.state import ApiState, api_state
from omnistock.service.order_apply import quarantine
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.orders import receive_order
from omnistock.store.order_repository import OrderUnitOfWork

__all__ = ["router"]

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _problem(status: int, detail: str, field: str) -> JSONResponse:
    """The app's problem document (RFC 9457) naming the ``field`` that is wrong."""
    return problem_response(Problem(status, detail, errors=[{"field": field, "message": detail}]))


def _secret(state: ApiState, channel: str) -> str | None:
    table = state.app.settings.section("channels").get(channel) or {}
    raw = table.get("webhook_secret")
    if not isinstance(raw, str) or not raw:
        return None
    return os.environ.get(raw[4:]) if raw.startswith("env:") else raw


@router.post("/woocommerce/{channel}", dependencies=[Public])
async def woocommerce(
    request: Request, channel: Annotated[str, Path(min_length=1, max_length=100)]
) -> JSONResponse:
    """One WooCommerce webhook delivery (order created/updated) for account ``channel``."""
    body = await request.body()
    return await run_in_threadpool(_deliver, request, channel, dict(request.headers), body)


def _deliver(request: Request, channel: str, headers: dict[str, str], body: bytes) -> JSONResponse:
    state = api_state(request)
    secret = _secret(state, channel)
    adapter = state.adapters.get(channel)
    feed = order_feed(adapter) if adapter is not None else None
    if secret is None or feed is None or feed.channel != channel:
        return _problem(404, f"no WooCommerce webhook for channel {channel!r}", "channel")
    verdict = verify_webhook(headers, body, secret)
    if verdict is WebhookVerdict.INVALID:
        return _problem(401, "invalid webhook signature", "X-WC-Webhook-Signature")
    if verdict is WebhookVerdict.PING:
        return JSONResponse({"status": "ping"})
    sealer = privacy_sealer(request)
    payload = _parse(body)
    if payload is None:
        _quarantine(state, channel, body, sealer)
        return JSONResponse({"status": "quarantined"})
    summary = receive_order(
        lambda: OrderUnitOfWork(state.app.engine), feed, payload,
        sealer=sealer, contacts=_contacts(state), clock=state.app.clock,
    )  # fmt: skip
    return JSONResponse({"status": "received", **summary.to_dict()})


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    return payload if isinstance(payload, dict) and payload.get("id") is not None else None


def _quarantine(state: ApiState, channel: str, body: bytes, sealer: PrivacySealer) -> None:
    raw = {"body": body.decode("utf-8", errors="replace")}
    with OrderUnitOfWork(state.app.engine) as uow:
        quarantine(
            uow, ChannelId(channel), None, raw, "webhook body is not an order object",
            sealer=sealer, now=state.app.clock.now(),
        )  # fmt: skip
        uow.commit()


def _contacts(state: ApiState) -> ContactPolicy:
    section = state.app.settings.section("privacy")
    return ContactPolicy(
        keep_email=bool(section.get("keep_order_email", False)),
        keep_phone=bool(section.get("keep_order_phone", False)),
    )
