"""The common admin API under ``/_sandbox``: faults, request log, reset, clock and docs.

Each emulated API adds its own admin routes (seed, place an order, read quantities) under the
same prefix; ``/_sandbox/docs`` describes all of them and nothing of the emulated API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from omnistock.sandbox.common.base import SandboxBase
from omnistock.sandbox.common.faults import ADMIN_PREFIX, FaultConfig
from omnistock.sandbox.common.requestlog import RequestEntry

__all__ = ["ClockAdvance", "ClockState", "admin_router"]


class ClockState(BaseModel):
    """The sandbox clock as the admin API shows it."""

    now: datetime
    elapsed_seconds: float
    time_scale: float


class ClockAdvance(BaseModel):
    """Move sandbox time forward."""

    seconds: float = Field(ge=0)


def admin_router(sandbox: SandboxBase) -> APIRouter:
    """Routes every sandbox shares, bound to ``sandbox``."""
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["sandbox"])

    @router.get("/faults")
    async def get_faults() -> FaultConfig:
        return sandbox.injector.config

    @router.put("/faults")
    async def put_faults(config: FaultConfig) -> FaultConfig:
        sandbox.injector.reconfigure(config)
        return config

    @router.get("/requests")
    async def get_requests(path: str | None = None) -> list[RequestEntry]:
        return sandbox.requests.entries(path)

    @router.post("/reset", status_code=204)
    async def reset() -> None:
        sandbox.reset()

    @router.get("/clock")
    async def get_clock() -> ClockState:
        return _clock_state(sandbox)

    @router.post("/clock/advance")
    async def advance_clock(body: ClockAdvance) -> ClockState:
        sandbox.clock.advance(body.seconds)
        return _clock_state(sandbox)

    _add_docs(router)
    return router


def _clock_state(sandbox: SandboxBase) -> ClockState:
    clock = sandbox.clock
    return ClockState(
        now=clock.now(), elapsed_seconds=clock.elapsed_seconds(), time_scale=clock.time_scale
    )


def _add_docs(router: APIRouter) -> None:
    @router.get("/openapi.json", include_in_schema=False)
    async def admin_openapi(request: Request) -> dict[str, Any]:
        spec = get_openapi(
            title=f"{request.app.title} — admin API", version="1", routes=request.app.routes
        )
        paths = spec.get("paths", {})
        spec["paths"] = {p: v for p, v in paths.items() if p.startswith(ADMIN_PREFIX)}
        return spec

    @router.get("/docs", include_in_schema=False)
    async def admin_docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{ADMIN_PREFIX}/openapi.json", title=f"{request.app.title} — admin API"
        )
