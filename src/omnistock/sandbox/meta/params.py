"""Graph request parameters (query, form or JSON body) and access-token authentication."""

from __future__ import annotations

import hmac
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from omnistock.sandbox.meta.errors import invalid_token, missing_token, param_error


async def graph_params(request: Request) -> dict[str, Any]:
    """Every parameter of a Graph call; the body wins over the query string."""
    params: dict[str, Any] = dict(request.query_params)
    raw = await request.body()
    if not raw.strip():
        return params
    if "application/json" in request.headers.get("content-type", ""):
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise param_error("The request body is not valid JSON") from None
        if isinstance(body, dict):
            params.update(body)
        return params
    params.update(parse_qsl(raw.decode(errors="replace"), keep_blank_values=True))
    return params


def check_token(request: Request, params: dict[str, Any], expected: str) -> None:
    """``access_token`` parameter or ``Authorization: Bearer|OAuth <token>``."""
    token = params.get("access_token")
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if token is None and scheme.lower() in ("bearer", "oauth") and value.strip():
        token = value.strip()
    if token is None or token == "":
        raise missing_token()
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), expected.encode()):
        raise invalid_token()


def json_param(params: dict[str, Any], name: str) -> Any:
    """A parameter that may arrive JSON-encoded (form/query) or as JSON (JSON body)."""
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise param_error(f"Param {name} must be a valid JSON") from None
    return value
