"""The REST API and dashboard: ``create_app(app) -> FastAPI``.

REST resources live under ``/api/v1`` (``routes/``), the dashboard under ``/dashboard``,
probes and metrics at the root. Nothing is read from the environment here: the caller passes
the wired :class:`~omnistock.bootstrap.App` and, if it has them, the channel adapters.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from omnistock.bootstrap import App
from omnistock.entrypoints.api import dashboard, health, problems
from omnistock.entrypoints.api.auth import Public, plain_parameters
from omnistock.entrypoints.api.metrics import ApiMetrics
from omnistock.entrypoints.api.routes import ROUTERS
from omnistock.entrypoints.api.state import ApiState
from omnistock.privacy.redaction import UVICORN_LOGGERS, install_redaction, redact_loggers
from omnistock.store.token_repository import TokenStore

if TYPE_CHECKING:
    from omnistock.channels.base import ChannelAdapter

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"
ERRORS = {code: problems.PROBLEM_SCHEMA for code in (401, 403, 404, 409, 422)}


def create_app(
    app: App,
    *,
    adapters: Mapping[str, ChannelAdapter] | None = None,
    session_key: bytes | None = None,
) -> FastAPI:
    """The ASGI application over a wired ``app``; ``session_key`` signs dashboard cookies
    (random per process when not given: sessions end when the server restarts)."""
    install_redaction()  # no personal data in log records (docs/privacy.md §2)
    redact_loggers(UVICORN_LOGGERS)  # …nor in the server's (access log: query strings)
    api = FastAPI(title="omnistock", version="1", docs_url="/api/docs", redoc_url=None)
    api.state.omnistock = ApiState(
        app=app,
        tokens=TokenStore(app.engine),
        session_key=session_key or secrets.token_bytes(32),
        adapters=dict(adapters or {}),
    )
    api.state.metrics = ApiMetrics(app.engine)
    problems.install(api)
    for router in ROUTERS:
        api.include_router(
            router,
            prefix=API_PREFIX,
            responses=ERRORS,  # type: ignore[arg-type]
            dependencies=[Depends(plain_parameters)],
        )
    api.include_router(health.router)
    dashboard.install(api)
    api.middleware("http")(_count_requests)
    api.openapi = _bearer_openapi(api)  # type: ignore[method-assign]
    api.add_api_route("/", _to_dashboard, include_in_schema=False, dependencies=[Public])
    return api


async def _count_requests(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    labels = (request.method, route_label(request), str(response.status_code))
    request.app.state.metrics.requests.labels(*labels).inc()
    return response


def _bearer_openapi(api: FastAPI) -> Callable[[], dict[str, Any]]:
    """The OpenAPI document, declaring bearer tokens on every ``/api/v1`` route and /metrics."""
    original = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        document = original()
        schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["bearerAuth"] = {"type": "http", "scheme": "bearer"}
        for path, operations in document.get("paths", {}).items():
            if path.startswith(API_PREFIX) or path == "/metrics":
                for operation in operations.values():
                    operation["security"] = [{"bearerAuth": []}]
        api.openapi_schema = document
        return document

    return openapi


def route_label(request: Request) -> str:
    """The matched path template (``/api/v1/stock/{sku}``), bounded for metric labels."""
    if request.scope.get("route") is None:
        return "unmatched"
    path = request.scope.get("path", "")
    for name, value in request.path_params.items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return str(path)


def _to_dashboard() -> RedirectResponse:
    return RedirectResponse("/dashboard/", status_code=303)
