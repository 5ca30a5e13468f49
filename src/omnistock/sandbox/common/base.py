"""What every sandbox shares: its options, its state holder and the FastAPI app skeleton.

``build_app`` makes an app whose emulated API answers errors in the API's own shape (unknown
routes, malformed requests, crashes) while the admin API under ``/_sandbox`` keeps FastAPI's
422 bodies naming the bad field; FastAPI's own ``/docs`` and ``/openapi.json`` are switched off.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from omnistock.sandbox.common.clock import SandboxClock
from omnistock.sandbox.common.crash import CrashMiddleware
from omnistock.sandbox.common.faults import (
    ADMIN_PREFIX,
    ErrorBody,
    FaultConfig,
    FaultInjector,
    FaultMiddleware,
)
from omnistock.sandbox.common.requestlog import RequestLog, RequestLogMiddleware

__all__ = ["SandboxBase", "SandboxOptions", "ValidationErrorBody", "build_app"]

log = logging.getLogger(__name__)

ValidationErrorBody = Callable[[Request, RequestValidationError], Response]
"""How an emulated API answers a request FastAPI could not parse."""


class SandboxOptions(BaseModel):
    """Start-up options shared by every sandbox (CLI flags map onto these)."""

    model_config = ConfigDict(extra="forbid")
    seed: int = 0
    time_scale: float = Field(default=1.0, gt=0)
    client_id: str = Field(default="omnistock-sandbox", min_length=1)
    client_secret: str = Field(default="omnistock-sandbox", min_length=1)
    manual_consent: bool = False
    empty: bool = False
    faults: FaultConfig = Field(default_factory=FaultConfig)


class SandboxBase:
    """Clock, fault injector, request log and options of one sandbox; APIs subclass it."""

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.clock = SandboxClock(options.time_scale)
        self.injector = FaultInjector(options.faults, options.seed)
        self.requests = RequestLog()
        self.random = random.Random(options.seed)

    def reset(self) -> None:
        """Back to the start-up state: faults from the options, empty log, fresh API state."""
        self.requests.clear()
        self.injector.reconfigure(self.options.faults, reseed=True)
        self.random = random.Random(self.options.seed)
        self.reset_state()

    def reset_state(self) -> None:
        """Restore the emulated API's data (subclasses re-seed their demo data here)."""


def build_app(
    sandbox: SandboxBase,
    *,
    title: str,
    error_body: ErrorBody,
    validation_error: ValidationErrorBody | None = None,
) -> FastAPI:
    """An app with fault injection, request logging, the common admin routes and error shapes."""
    from omnistock.sandbox.common.admin import admin_router

    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(CrashMiddleware, error_body=error_body)
    app.add_middleware(FaultMiddleware, injector=sandbox.injector, error_body=error_body)
    app.add_middleware(RequestLogMiddleware, log=sandbox.requests, clock=sandbox.clock)
    _install_error_handlers(app, error_body, validation_error)
    app.include_router(admin_router(sandbox))
    return app


def _raw_response(error_body: ErrorBody, status: int, extra: Mapping[str, str] | None) -> Response:
    body, headers = error_body(status)
    return Response(content=body, status_code=status, headers={**headers, **(extra or {})})


def _install_error_handlers(
    app: FastAPI, error_body: ErrorBody, validation_error: ValidationErrorBody | None
) -> None:
    def is_admin(request: Request) -> bool:
        return request.url.path.startswith(ADMIN_PREFIX)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if is_admin(request):
            return await http_exception_handler(request, exc)
        return _raw_response(error_body, exc.status_code, exc.headers)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if is_admin(request):
            return await request_validation_exception_handler(request, exc)
        if validation_error is not None:
            return validation_error(request, exc)
        return _raw_response(error_body, 400, None)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
