"""``/api/v1/sync/status``: the sync state of every channel account."""

from __future__ import annotations

from fastapi import APIRouter, Request

from omnistock.entrypoints.api.auth import Viewer
from omnistock.entrypoints.api.state import api_state
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.status import sync_status

__all__ = ["router"]

router = APIRouter(prefix="/sync", tags=["sync"])


@router.get("/status")
def status(request: Request, _who: Viewer) -> list[dict[str, object]]:
    """Per channel: dirty, in flight, retry, held, dead, error, breaker, budget, last success."""
    state = api_state(request)
    return sync_status(SyncStore(state.app.engine), state.adapters, state.app.clock.now())
