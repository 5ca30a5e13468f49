"""``allegro.pl/auth/oauth``: device codes, the token endpoint, authorize, and the consent page."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from omnistock.sandbox.allegro.errors import AuthFailure
from omnistock.sandbox.allegro.state import AllegroSandbox

__all__ = ["CONSENT_PATH", "DEVICE_GRANT", "auth_router"]

CONSENT_PATH = "/skojarz-aplikacje"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


async def _params(request: Request) -> dict[str, str]:
    """Query parameters plus an ``application/x-www-form-urlencoded`` body."""
    params = dict(request.query_params)
    body = (await request.body()).decode("utf-8", "replace")
    if body and "json" not in request.headers.get("content-type", ""):
        params.update(parse_qsl(body))
    return params


def auth_router(sandbox: AllegroSandbox) -> APIRouter:
    """Routes of the OAuth server."""
    router = APIRouter()

    @router.post("/auth/oauth/device")
    async def device(request: Request) -> JSONResponse:
        client_id = sandbox.auth.check_client(request.headers.get("authorization"))
        params = await _params(request)
        if params.get("client_id", client_id) != client_id:
            raise AuthFailure(400, "invalid_request", "client_id does not match credentials")
        grant = sandbox.auth.start_device(client_id)
        base = str(request.base_url).rstrip("/") + CONSENT_PATH
        return JSONResponse(
            {
                "device_code": grant.device_code,
                "user_code": grant.user_code,
                "expires_in": 3600,
                "interval": 5,
                "verification_uri": base,
                "verification_uri_complete": f"{base}?code={grant.user_code}",
            }
        )

    @router.post("/auth/oauth/token")
    async def token(request: Request) -> JSONResponse:
        params = await _params(request)
        return JSONResponse(_grant(sandbox, request, params))

    @router.get("/auth/oauth/authorize")
    async def authorize(request: Request) -> RedirectResponse:
        p = request.query_params
        if p.get("client_id") != sandbox.auth.client_id:
            raise AuthFailure(400, "invalid_client", "Unknown client_id")
        if p.get("response_type") != "code" or not p.get("redirect_uri"):
            raise AuthFailure(400, "invalid_request", "response_type=code and redirect_uri needed")
        code = sandbox.auth.issue_code(
            sandbox.auth.client_id,
            p["redirect_uri"],
            p.get("code_challenge"),
            p.get("code_challenge_method", "plain"),
        )
        query = {"code": code, **({"state": p["state"]} if "state" in p else {})}
        separator = "&" if "?" in p["redirect_uri"] else "?"
        return RedirectResponse(f"{p['redirect_uri']}{separator}{urlencode(query)}", 302)

    _consent_routes(router, sandbox)
    return router


def _grant(sandbox: AllegroSandbox, request: Request, params: dict[str, str]) -> dict[str, Any]:
    auth, grant_type = sandbox.auth, params.get("grant_type")
    header = request.headers.get("authorization")
    if (
        grant_type == "authorization_code"
        and header is None
        and auth.has_public_code(params.get("code"))
    ):
        client_id = params.get("client_id", "")
        if client_id != auth.client_id:
            raise AuthFailure(401, "invalid_client", "Bad client credentials")
    else:
        client_id = auth.check_client(header)
    if grant_type == DEVICE_GRANT:
        return auth.poll_device(client_id, params.get("device_code"))
    if grant_type == "authorization_code":
        return auth.exchange_code(
            client_id, params.get("code"), params.get("redirect_uri"), params.get("code_verifier")
        )
    if grant_type == "refresh_token":
        return auth.refresh(client_id, params.get("refresh_token"))
    if grant_type == "client_credentials":
        return auth.client_credentials(client_id)
    raise AuthFailure(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")


_PAGE = """<!doctype html><html lang="pl"><meta charset="utf-8"><title>Allegro sandbox</title>
<h1>Powiązanie aplikacji (sandbox)</h1><p>{message}</p>
<form method="post"><input name="code" value="{code}">
<button name="decision" value="approve">Pozwól</button>
<button name="decision" value="deny">Odmów</button></form></html>"""


def _consent_routes(router: APIRouter, sandbox: AllegroSandbox) -> None:
    @router.get(CONSENT_PATH, include_in_schema=False)
    async def consent_page(code: str = "") -> HTMLResponse:
        message = "Aplikacja omnistock prosi o dostęp do konta sprzedawcy."
        return HTMLResponse(_PAGE.format(message=message, code=html.escape(code)))

    @router.post(CONSENT_PATH, include_in_schema=False)
    async def consent(request: Request) -> HTMLResponse:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        code = form.get("code", "")
        approve = form.get("decision") != "deny"
        done = sandbox.auth.confirm(code, approve=approve)
        message = ("Zatwierdzono." if approve else "Odmówiono.") if done else "Nieznany kod."
        return HTMLResponse(
            _PAGE.format(message=message, code=html.escape(code)), 200 if done else 404
        )
