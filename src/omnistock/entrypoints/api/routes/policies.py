"""``/api/v1/policies``: list the allocation policies and set one (global, group or SKU)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from omnistock.domain.ids import ChannelId
from omnistock.domain.policy import Policy, PolicyScope, Strategy, VelocityLimits
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.render import plain
from omnistock.entrypoints.api.routes.models import MAX_QTY, Strict
from omnistock.entrypoints.api.state import api_state
from omnistock.service import policies

__all__ = ["router"]

router = APIRouter(prefix="/policies", tags=["policies"])


class VelocityIn(Strict):
    floor: Decimal = Field(default=Decimal("0.05"), ge=0, le=1, max_digits=12, decimal_places=6)
    ceiling: Decimal = Field(default=Decimal("0.80"), ge=0, le=1, max_digits=12, decimal_places=6)
    max_step: Decimal = Field(default=Decimal("0.10"), ge=0, le=1, max_digits=12, decimal_places=6)
    half_life_days: Decimal = Field(default=Decimal(7), gt=0, le=3650, max_digits=12)


class PolicyIn(Strict):
    scope: PolicyScope = PolicyScope.GLOBAL
    key: str = Field(default="", max_length=100, description="'' (global), group name or SKU")
    strategy: Strategy = Strategy.SHARED
    shares: dict[str, Decimal] = Field(default_factory=dict, description="channel → percent")
    reserve: Decimal = Field(default=Decimal(0), ge=0, le=100, max_digits=12)
    buffer: int = Field(default=0, ge=0, le=MAX_QTY)
    resume_margin: int = Field(default=0, ge=0, le=MAX_QTY)
    max_listed: dict[str, int] = Field(default_factory=dict, description="channel → cap")
    velocity: VelocityIn = Field(default_factory=lambda: VelocityIn())

    def to_policy(self) -> Policy:
        return Policy(
            strategy=self.strategy,
            shares={ChannelId(k): v for k, v in self.shares.items()},
            reserve=self.reserve,
            buffer=self.buffer,
            resume_margin=self.resume_margin,
            max_listed={ChannelId(k): v for k, v in self.max_listed.items()},
            velocity=VelocityLimits(**self.velocity.model_dump()),
        )


@router.get("")
def list_policies(request: Request, _who: Viewer) -> list[dict[str, Any]]:
    """Every stored policy, most general first."""
    result: list[dict[str, Any]] = plain(policies.get_policies(api_state(request).app.uow()))
    return result


@router.put("")
def set_policy(request: Request, body: PolicyIn, _who: Operator) -> dict[str, int]:
    """Store the policy of a scope and recompute what it governs."""
    app = api_state(request).app
    changed = policies.set_policy(
        app.uow(), body.scope, body.key, body.to_policy(), now=app.clock.now()
    )
    return {"listings_changed": changed}
