"""``/api/v1/allocation/{sku}/explain``: every number behind a SKU's allocation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from omnistock.domain.ids import Sku
from omnistock.entrypoints.api.auth import Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.state import api_state
from omnistock.service import allocation

__all__ = ["router"]

router = APIRouter(prefix="/allocation", tags=["allocation"])


@router.get("/{sku}/explain")
def explain(request: Request, sku: str, _who: Viewer) -> dict[str, Any]:
    """Stock, reservations, buffer, policy, shares and caps, step by step."""
    result: dict[str, Any] = plain(allocation.explain(api_state(request).app.uow(), Sku(sku)))
    return result
