"""``/healthz`` (the process answers), ``/readyz`` (database reachable; worker sign of life)
and ``/metrics`` (Prometheus, viewer role)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from omnistock.entrypoints.api.auth import Public, Viewer
from omnistock.entrypoints.api.metrics import CONTENT_TYPE_LATEST
from omnistock.entrypoints.api.state import api_state
from omnistock.store import operations_repository as figures

__all__ = ["router"]

router = APIRouter(tags=["health"])

FRESH = timedelta(minutes=5)
"""A heartbeat or sync call this recent means the worker is alive."""


@router.get("/healthz", dependencies=[Public])
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", dependencies=[Public])
def readyz(
    request: Request,
    worker: Annotated[
        Literal["optional", "required"],
        Query(description="required: also 503 unless the worker was seen in the last 5 min"),
    ] = "optional",
) -> JSONResponse:
    """200 when the database answers (503 otherwise); ``worker`` is fresh, stale or unknown.

    ``?worker=required`` (for the probe of a deployment that must be pushing stock) also answers
    503 while the worker's heartbeat and last sync call are both older than 5 minutes."""
    app = api_state(request).app
    ok, reason = figures.database_ok(app.engine)
    body: dict[str, Any] = {"status": "ok" if ok else "unavailable", "database": reason or "ok"}
    body |= worker_state(app.engine, app.clock.now()) if ok else {"worker": "unknown"}
    if ok and worker == "required" and body["worker"] != "fresh":
        ok, body["status"] = False, "unavailable"
    return JSONResponse(body, status_code=200 if ok else 503)


def worker_state(engine: Any, now: datetime) -> dict[str, Any]:
    """Fresh/stale from the newest worker heartbeat, else from the last channel call."""
    beat = figures.last_heartbeat_at(engine)
    last = figures.last_attempt_at(engine)
    seen = max((t for t in (beat, last) if t is not None), default=None)
    state = "unknown" if seen is None else ("fresh" if now - seen <= FRESH else "stale")
    return {
        "worker": state,
        "heartbeat": beat.isoformat() if beat else None,
        "last_sync_call": last.isoformat() if last else None,
    }


@router.get("/metrics", response_class=Response)
def metrics(request: Request, _who: Viewer) -> Response:
    """Prometheus text exposition."""
    registry = request.app.state.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE_LATEST)
