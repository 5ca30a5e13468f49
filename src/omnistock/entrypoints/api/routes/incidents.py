"""``/api/v1/incidents``: open incidents; acknowledge or resolve (operator).

Incident ids embed their subject (``invoice_rejected:-:FV/2026/11/0001@2026-…``), so ``{id}`` is
a path parameter that may contain ``/`` (sent as is or percent-encoded as ``%2F``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.state import api_state
from omnistock.service import holds as holds_service
from omnistock.service import incidents as incidents_service

__all__ = ["router"]

router = APIRouter(prefix="/incidents", tags=["incidents"])


def _store(request: Request) -> Any:
    return holds_service.safety_parts(api_state(request).app.engine, {}).incidents


@router.get("")
def list_incidents(
    request: Request, _who: Viewer, every: Annotated[bool, Query(alias="all")] = False
) -> list[dict[str, Any]]:
    """Open and acknowledged incidents (``?all=true``: resolved too)."""
    found = incidents_service.list_incidents(_store(request), include_resolved=every)
    result: list[dict[str, Any]] = plain(found)
    return result


@router.post("/{id:path}/ack")
def acknowledge(request: Request, id: str, who: Operator) -> dict[str, Any]:
    """Someone is on it: escalation stops (409 unless open)."""
    now = api_state(request).app.clock.now()
    done = incidents_service.acknowledge_incident(_store(request), id, by=who.actor, now=now)
    result: dict[str, Any] = plain(done)
    return result


@router.post("/{id:path}/resolve")
def resolve(request: Request, id: str, who: Operator) -> dict[str, Any]:
    """The problem cleared (409 if already resolved)."""
    now = api_state(request).app.clock.now()
    done = incidents_service.resolve_incident(_store(request), id, by=who.actor, now=now)
    result: dict[str, Any] = plain(done)
    return result
