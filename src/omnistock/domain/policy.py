"""Allocation policies: how the sellable stock of a SKU is shared among channel accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku

__all__ = [
    "HUNDRED",
    "Policy",
    "PolicyRule",
    "PolicyScope",
    "Strategy",
    "VelocityLimits",
    "resolve_policy",
]

HUNDRED = Decimal(100)


class Strategy(StrEnum):
    SHARED = "shared"
    PERCENTAGE = "percentage"
    VELOCITY = "velocity"


class PolicyScope(StrEnum):
    GLOBAL = "global"
    GROUP = "group"
    SKU = "sku"


@dataclass(frozen=True, slots=True, kw_only=True)
class VelocityLimits:
    """Bounds for the ``velocity`` strategy, as fractions of sellable (0–1).

    ``half_life_days`` controls the exponential weighting of recent sales; ``max_step`` is the
    largest change of one channel's share per rebalance.
    """

    floor: Decimal = Decimal("0.05")
    ceiling: Decimal = Decimal("0.80")
    max_step: Decimal = Decimal("0.10")
    half_life_days: Decimal = Decimal("7")

    def __post_init__(self) -> None:
        for name in ("floor", "ceiling", "max_step"):
            value = getattr(self, name)
            if not Decimal(0) <= value <= Decimal(1):
                raise InvalidValue("must be between 0 and 1", field=name)
        if self.floor > self.ceiling:
            raise InvalidValue("floor above ceiling", field="floor")
        if self.half_life_days <= 0:
            raise InvalidValue("must be positive", field="half_life_days")


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """An allocation policy; ``shares`` and ``reserve`` are percentages (0–100)."""

    strategy: Strategy = Strategy.SHARED
    shares: Mapping[ChannelId, Decimal] = field(default_factory=dict)
    reserve: Decimal = Decimal(0)
    buffer: int = 0
    resume_margin: int = 0
    max_listed: Mapping[ChannelId, int] = field(default_factory=dict)
    velocity: VelocityLimits = field(default_factory=VelocityLimits)

    def __post_init__(self) -> None:
        if self.buffer < 0:
            raise InvalidValue("buffer must not be negative", field="buffer")
        if self.resume_margin < 0:
            raise InvalidValue("resume margin must not be negative", field="resume_margin")
        if not Decimal(0) <= self.reserve <= HUNDRED:
            raise InvalidValue("reserve must be between 0 and 100 %", field="reserve")
        for channel, share in self.shares.items():
            if share < 0:
                raise InvalidValue(f"share of {channel} is negative", field="share")
        if sum(self.shares.values(), Decimal(0)) + self.reserve > HUNDRED:
            raise InvalidValue("shares plus reserve exceed 100 %", field="share")
        for channel, cap in self.max_listed.items():
            if cap < 0:
                raise InvalidValue(f"max listed of {channel} is negative", field="max_listed")


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyRule:
    """A policy bound to a scope: everything, one product group, or one SKU."""

    scope: PolicyScope
    key: str  # "" for GLOBAL, the group name, or the SKU
    policy: Policy


def resolve_policy(
    sku: Sku, group: str | None, rules: Mapping[tuple[PolicyScope, str], Policy]
) -> tuple[PolicyScope, Policy]:
    """The most specific policy for a SKU: SKU, then group, then global, then the default."""
    for scope, key in ((PolicyScope.SKU, sku), (PolicyScope.GROUP, group or "")):
        if (scope, key) in rules and (scope is PolicyScope.SKU or group):
            return scope, rules[(scope, key)]
    return PolicyScope.GLOBAL, rules.get((PolicyScope.GLOBAL, ""), Policy())
