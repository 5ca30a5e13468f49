"""The Login with Amazon token endpoint, ``POST /auth/o2/token`` (form or JSON body)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from omnistock.sandbox.amazon.account import REFRESH_TOKEN
from omnistock.sandbox.amazon.lwa import ACCESS_TOKEN_TTL, LwaError
from omnistock.sandbox.amazon.sandbox import AmazonSandbox

__all__ = ["TOKEN_PATH", "lwa_router"]

TOKEN_PATH = "/auth/o2/token"
_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    if "json" in request.headers.get("content-type", ""):
        try:
            loaded = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise LwaError(400, "invalid_request", "The request body is malformed") from None
        return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
    return dict(parse_qsl(raw.decode("utf-8", errors="replace")))


def lwa_router(sandbox: AmazonSandbox) -> APIRouter:
    """Routes bound to ``sandbox``."""
    router = APIRouter()

    @router.post(TOKEN_PATH)
    async def token(request: Request) -> JSONResponse:
        try:
            form = await _form(request)
            access = sandbox.lwa.grant(form, sandbox.clock.now())
        except LwaError as exc:
            error = {"error_description": exc.description, "error": exc.error}
            return JSONResponse(error, status_code=exc.status, headers=_NO_STORE)
        body: dict[str, str | int] = {
            "access_token": access,
            "refresh_token": form.get("refresh_token", REFRESH_TOKEN),
            "token_type": "bearer",
            "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
        }
        return JSONResponse(body, headers=_NO_STORE)

    return router
