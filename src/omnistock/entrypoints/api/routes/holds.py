"""``/api/v1/holds``: held change-sets of the safety guard; approve or reject (operator)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import holds as holds_service

__all__ = ["router"]

router = APIRouter(prefix="/holds", tags=["holds"])


class Decision(Strict):
    note: str = Field(default="", max_length=1000, description="Why (kept in the audit trail).")


@router.get("")
def list_holds(
    request: Request, _who: Viewer, every: Annotated[bool, Query(alias="all")] = False
) -> list[dict[str, Any]]:
    """Holds waiting for a decision (``?all=true``: every hold)."""
    parts = holds_service.safety_parts(api_state(request).app.engine, {})
    result: list[dict[str, Any]] = plain(
        holds_service.list_holds(parts.safety, pending_only=not every)
    )
    return result


@router.get("/{id}")
def show_hold(request: Request, id: str, _who: Viewer) -> dict[str, Any]:
    """One hold with its held changes."""
    parts = holds_service.safety_parts(api_state(request).app.engine, {})
    result: dict[str, Any] = plain(parts.safety.hold(id))
    return result


@router.post("/{id}/approve")
def approve(request: Request, id: str, body: Decision, who: Operator) -> dict[str, Any]:
    """Send the held values through the normal path (409 if already decided)."""
    return _decide(request, id, body, who.actor, approve=True)


@router.post("/{id}/reject")
def reject(request: Request, id: str, body: Decision, who: Operator) -> dict[str, Any]:
    """Keep the last good state on the channel (409 if already decided)."""
    return _decide(request, id, body, who.actor, approve=False)


def _decide(
    request: Request, hold_id: str, body: Decision, by: str, *, approve: bool
) -> dict[str, Any]:
    app = api_state(request).app
    parts = holds_service.safety_parts(app.engine, app.settings.section("safety"))
    decide = holds_service.approve_hold if approve else holds_service.reject_hold
    hold = decide(
        parts.safety,
        parts.sync,
        parts.incidents,
        hold_id,
        by=by,
        now=app.clock.now(),
        note=body.note,
    )
    result: dict[str, Any] = plain(hold)
    return result
