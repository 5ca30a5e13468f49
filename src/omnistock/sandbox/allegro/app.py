"""``create_app``: the Allegro sandbox as one FastAPI app (REST API, OAuth server, admin)."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError

from omnistock.sandbox.allegro.admin import allegro_admin_router
from omnistock.sandbox.allegro.api_auth import auth_router
from omnistock.sandbox.allegro.api_commands import commands_router
from omnistock.sandbox.allegro.api_offer_events import offer_events_router
from omnistock.sandbox.allegro.api_offers import offers_router
from omnistock.sandbox.allegro.api_orders import orders_router
from omnistock.sandbox.allegro.api_parameters import parameters_router
from omnistock.sandbox.allegro.errors import AllegroError, AuthFailure, error_body
from omnistock.sandbox.allegro.guard import make_guard
from omnistock.sandbox.allegro.limits import AllegroLimits
from omnistock.sandbox.allegro.state import AllegroSandbox
from omnistock.sandbox.allegro.trace import TraceIdMiddleware
from omnistock.sandbox.common.base import SandboxOptions, build_app

__all__ = ["AllegroSandbox", "create_app"]


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {}
    path = ".".join(str(part) for part in first.get("loc", ())[1:]) or None
    return AllegroError(
        400, "VALIDATION_ERROR", str(first.get("msg", "invalid")), path=path
    ).response()


def create_app(options: SandboxOptions, limits: AllegroLimits | None = None) -> FastAPI:
    """The Allegro sandbox app; ``app.state.sandbox`` is its :class:`AllegroSandbox`."""
    sandbox = AllegroSandbox(options, limits)
    app = build_app(
        sandbox,
        title="omnistock Allegro sandbox",
        error_body=error_body,
        validation_error=_validation_error,
    )

    async def on_allegro_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AllegroError)
        return exc.response()

    async def on_auth_failure(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AuthFailure)
        return exc.response()

    app.add_middleware(TraceIdMiddleware)
    app.add_exception_handler(AllegroError, on_allegro_error)
    app.add_exception_handler(AuthFailure, on_auth_failure)
    guard = make_guard(sandbox)
    app.include_router(auth_router(sandbox))
    app.include_router(offers_router(sandbox, guard))
    app.include_router(commands_router(sandbox, guard))
    app.include_router(orders_router(sandbox, guard))
    app.include_router(parameters_router(sandbox, guard))
    app.include_router(offer_events_router(sandbox, guard))
    app.include_router(allegro_admin_router(sandbox))
    app.state.sandbox = sandbox
    return app
