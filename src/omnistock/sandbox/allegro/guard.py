"""What every emulated REST call goes through: bearer token, Client ID limit, media types.

Order as on Allegro: authentication (401), the per-Client-ID limit (429 and an extending
block), ``Accept`` (406), then ``Content-Type`` of bodies (415). Due asynchronous work is
settled before the route runs, so every read sees sandbox time's effects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request

from omnistock.sandbox.allegro.auth import Token
from omnistock.sandbox.allegro.errors import MEDIA_TYPE, AllegroError
from omnistock.sandbox.allegro.state import AllegroSandbox

__all__ = [
    "Guard",
    "int_param",
    "is_uuid",
    "make_guard",
    "multi",
    "read_json",
    "seller_of",
]

Guard = Callable[[Request], Awaitable[Token]]
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def make_guard(sandbox: AllegroSandbox) -> Guard:
    """The FastAPI dependency guarding every REST route of ``sandbox``."""

    async def guard(request: Request) -> Token:
        token = sandbox.auth.authenticate(request.headers.get("authorization"))
        if not sandbox.gate.admit(token.client_id):
            raise AllegroError.for_status(429)
        if MEDIA_TYPE not in request.headers.get("accept", ""):
            raise AllegroError.for_status(406)
        if request.method in ("PUT", "PATCH", "POST"):
            if MEDIA_TYPE not in request.headers.get("content-type", ""):
                raise AllegroError.for_status(415)
        sandbox.settle()
        request.state.token = token
        return token

    return guard


def seller_of(request: Request) -> str:
    """The seller behind the request's user token; 403 for application tokens."""
    token: Token = request.state.token
    if token.seller_id is None:
        raise AllegroError(
            403, "AccessDenied", "Access is denied", user_message="Brak dostępu do zasobu."
        )
    return token.seller_id


async def read_json(request: Request) -> Any:
    """The JSON body; 400 if it is not JSON."""
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise AllegroError(
            400, "BadRequestException", "Malformed request body: not valid JSON"
        ) from exc


def multi(request: Request, name: str) -> list[str]:
    """All values of a repeated query parameter."""
    return request.query_params.getlist(name)


def int_param(
    request: Request, name: str, default: int, low: int, high: int, *, status: int = 422
) -> int:
    """An integer query parameter within ``low..high``."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise AllegroError(
            status, "VALIDATION_ERROR", f"must be between {low} and {high}", path=name
        )
    return value


def is_uuid(value: str) -> bool:
    """Whether ``value`` is a UUID in canonical text form."""
    return bool(_UUID.match(value))
