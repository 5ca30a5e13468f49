"""The KSeF API 2.x sandbox: token auth, online and batch sessions, XSD checks, 440, UPO."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from omnistock.sandbox.common.base import SandboxOptions, build_app
from omnistock.sandbox.ksef.admin import admin_routes
from omnistock.sandbox.ksef.api_auth import auth_router
from omnistock.sandbox.ksef.api_batch import batch_router
from omnistock.sandbox.ksef.api_sessions import sessions_router
from omnistock.sandbox.ksef.errors import KsefApiError, error_body
from omnistock.sandbox.ksef.state import KsefSandbox

__all__ = ["create_app"]


def create_app(options: SandboxOptions) -> FastAPI:
    """KSeF at the app root (the client's base URL is the server URL, as for ``…/v2``).

    ``options.client_secret`` is a KSeF token accepted for every NIP; more tokens via
    ``POST /_sandbox/tokens``. Generates two RSA-2048 key pairs (≈0.2 s).
    """
    sandbox = KsefSandbox(options)
    app = build_app(sandbox, title="KSeF API 2.x sandbox", error_body=error_body)
    app.include_router(admin_routes(sandbox))
    app.include_router(auth_router(sandbox))
    app.include_router(batch_router(sandbox))
    app.include_router(sessions_router(sandbox))

    async def on_ksef(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, KsefApiError)
        return exc.response()

    app.add_exception_handler(KsefApiError, on_ksef)
    app.state.sandbox = sandbox
    return app
