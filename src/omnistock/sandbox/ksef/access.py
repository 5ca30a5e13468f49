"""Reading requests: bearer tokens by kind, JSON bodies, base64 fields and rate-limit keys."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from fastapi import Request

from omnistock.sandbox.ksef.errors import bad_request, unauthorized
from omnistock.sandbox.ksef.state import KsefSandbox

__all__ = ["b64field", "body_json", "holder", "limit_key"]


def holder(sandbox: KsefSandbox, request: Request, kind: str) -> str:
    """The NIP (access/refresh) or auth reference (auth) behind the request's bearer token."""
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip()
    with sandbox.lock:
        found = sandbox.bearers.get(token)
    if not header.startswith("Bearer ") or found is None or found[0] != kind:
        raise unauthorized(f"Brak lub nieprawidłowy token ({kind})")
    if found[2] <= sandbox.clock.now():
        raise unauthorized(f"Token wygasł ({kind})")
    return found[1]


async def body_json(request: Request) -> dict[str, Any]:
    """The JSON object body, or 400."""
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Błąd walidacji danych wejściowych.", "Treść nie jest JSON") from None
    if not isinstance(body, dict):
        raise bad_request("Błąd walidacji danych wejściowych.", "Oczekiwano obiektu JSON")
    return body


def field(body: dict[str, Any], *path: str) -> Any:
    """``body[path[0]][path[1]]…`` or 400 naming the missing field."""
    value: Any = body
    for name in path:
        if not isinstance(value, dict) or value.get(name) is None:
            raise bad_request("Błąd walidacji danych wejściowych.", f"Brak pola {'.'.join(path)}")
        value = value[name]
    return value


def b64field(body: dict[str, Any], *path: str) -> bytes:
    """A base64 field decoded, or 400."""
    try:
        return base64.b64decode(str(field(body, *path)), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(
            "Błąd walidacji danych wejściowych.", f"{'.'.join(path)}: base64"
        ) from None


def limit_key(request: Request, nip: str) -> str:
    """KSeF limits per context (NIP) and client IP."""
    return f"{nip}@{request.client.host if request.client else '-'}"
