"""Allocation: how many units of a SKU each channel account is told it may sell.

``available`` (on hand minus open reservations, or what the components of a bundle allow) minus
the buffer is ``sellable``; the policy's strategy splits it among the channels, then the
per-channel ``max_listed`` caps apply. A paused SKU (see ``buffer``) shows 0 everywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import gcd, lcm
from types import MappingProxyType

from omnistock.domain.apportion import QuotaTable, largest_remainder
from omnistock.domain.buffer import is_paused
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.inventory import BundleComponent, Reservation, StockLevel, bundle_available
from omnistock.domain.policy import Policy, Strategy, VelocityLimits
from omnistock.domain.velocity import even_shares

__all__ = [
    "Allocation",
    "AllocationInput",
    "allocate_many",
    "allocate_sku",
    "apply_caps",
    "split",
    "strategy_split",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class AllocationInput:
    """Everything needed to allocate one SKU; ``bundle`` non-empty means a kit.

    For a kit, availability comes from ``component_available`` (units of each component that
    can still be sold); ``velocity_shares`` are fractions 0–1 from ``velocity.rebalance_shares``.
    """

    sku: Sku
    levels: Sequence[StockLevel]
    reservations: Sequence[Reservation]
    policy: Policy
    channels: Sequence[ChannelId]
    was_paused: bool = False
    velocity_shares: Mapping[ChannelId, Decimal] | None = None
    bundle: Sequence[BundleComponent] = ()
    component_available: Mapping[Sku, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """The numbers of one SKU; ``quantities`` is what each channel should show.

    For a kit, ``on_hand`` is the number of kits the components allow.
    """

    sku: Sku
    on_hand: int
    reserved: int
    available: int
    buffer: int
    paused: bool
    sellable: int
    quantities: Mapping[ChannelId, int]


def allocate_sku(inp: AllocationInput) -> Allocation:
    """Allocate one SKU (hot path: called for every SKU on a full recompute)."""
    if inp.bundle:
        on_hand = bundle_available(inp.bundle, inp.component_available)
    else:
        on_hand = 0
        for level in inp.levels:
            on_hand += level.on_hand
    reserved = 0
    for reservation in inp.reservations:
        if reservation.open:
            reserved += reservation.quantity
    available = on_hand - reserved if on_hand > reserved else 0
    policy = inp.policy
    buffer = policy.buffer
    sellable = available - buffer if available > buffer else 0
    paused = is_paused(available, buffer, policy.resume_margin, inp.was_paused)
    if paused:
        quantities: dict[ChannelId, int] = dict.fromkeys(inp.channels, 0)
    else:
        quantities = split(sellable, policy, inp.channels, inp.velocity_shares)
    return Allocation(
        sku=inp.sku,
        on_hand=on_hand,
        reserved=reserved,
        available=available,
        buffer=buffer,
        paused=paused,
        sellable=sellable,
        quantities=quantities,
    )


def allocate_many(inputs: Sequence[AllocationInput]) -> list[Allocation]:
    """``allocate_sku`` for each input, in order."""
    return [allocate_sku(inp) for inp in inputs]


def split(
    sellable: int,
    policy: Policy,
    channels: Sequence[ChannelId],
    velocity_shares: Mapping[ChannelId, Decimal] | None = None,
) -> dict[ChannelId, int]:
    """Final per-channel quantities for ``sellable`` units: the strategy, then the caps."""
    raw = strategy_split(sellable, policy, channels, velocity_shares)
    return apply_caps(raw, policy.max_listed) if policy.max_listed else raw


def strategy_split(
    sellable: int,
    policy: Policy,
    channels: Sequence[ChannelId],
    velocity_shares: Mapping[ChannelId, Decimal] | None = None,
) -> dict[ChannelId, int]:
    """Per-channel quantities from the strategy alone, before ``max_listed`` caps.

    ``shared``: every channel sees ``sellable``. ``percentage``: each channel its share % of
    ``sellable`` (quota method, see ``apportion``), the reserve and unassigned percent never
    shown, a channel without a share gets 0. ``velocity``: ``velocity_shares`` (fractions) by
    largest remainder; without them, equal shares within the floor and ceiling.
    """
    if policy.strategy is Strategy.SHARED:
        return dict.fromkeys(channels, max(sellable, 0))
    if policy.strategy is Strategy.PERCENTAGE:
        return _percentage(sellable, policy, channels)
    shares = (
        velocity_shares if velocity_shares is not None else _even(tuple(channels), policy.velocity)
    )
    return _velocity(sellable, shares, channels)


def apply_caps(
    quantities: Mapping[ChannelId, int], caps: Mapping[ChannelId, int]
) -> dict[ChannelId, int]:
    """Each channel's quantity lowered to its ``max_listed`` cap, if it has one."""
    return {ch: min(q, caps[ch]) if ch in caps else q for ch, q in quantities.items()}


@dataclass(frozen=True, slots=True)
class _Plan:
    """A percentage policy precomputed for one channel list."""

    parties: tuple[ChannelId, ...]  # channels with a positive share, sorted by name
    numerator: int  # Σ shares of ``parties`` = numerator / denominator (a fraction of 1)
    denominator: int
    table: QuotaTable | None


# Plans are cached by policy identity (the usual case: one policy object for many SKUs) and,
# behind that, by content (a caller that builds an equal Policy for every SKU).
_PlanKey = tuple[tuple[ChannelId, ...], tuple[tuple[ChannelId, Decimal], ...]]
_BY_ID: dict[int, tuple[Policy, dict[tuple[ChannelId, ...], _Plan]]] = {}
_BY_CONTENT: dict[_PlanKey, _Plan] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 4096
_ROUNDING_INVERSE = 1_000_000  # shares from ``rebalance_shares`` have 6 decimal places


def _percentage(
    sellable: int, policy: Policy, channels: Sequence[ChannelId]
) -> dict[ChannelId, int]:
    plan = _plan(policy, tuple(channels))
    result = dict.fromkeys(channels, 0)
    if plan.table is None or sellable <= 0:
        return result
    house = sellable * plan.numerator // plan.denominator
    result.update(zip(plan.parties, plan.table.seats(house), strict=True))
    return result


def _plan(policy: Policy, channels: tuple[ChannelId, ...]) -> _Plan:
    entry = _BY_ID.get(id(policy))
    if entry is not None and entry[0] is policy:
        plan = entry[1].get(channels)
        if plan is not None:
            return plan
    key = (channels, tuple(policy.shares.items()))
    plan = _BY_CONTENT.get(key)
    if plan is not None:
        return plan
    plan = _make_plan(policy, channels)
    with _CACHE_LOCK:
        for cache in (_BY_ID, _BY_CONTENT):
            if len(cache) >= _CACHE_MAX:
                cache.clear()
        _BY_CONTENT[key] = plan
        entry = _BY_ID.get(id(policy))
        if entry is None or entry[0] is not policy:
            entry = _BY_ID[id(policy)] = (policy, {})
        entry[1][channels] = plan
    return plan


def _make_plan(policy: Policy, channels: tuple[ChannelId, ...]) -> _Plan:
    fractions = {
        ch: Fraction(policy.shares[ch]) / 100
        for ch in sorted(set(channels))
        if policy.shares.get(ch, Decimal(0)) > 0
    }
    if not fractions:
        return _Plan((), 0, 1, None)
    denominator = lcm(*(f.denominator for f in fractions.values()))
    weights = [int(f * denominator) for f in fractions.values()]
    divisor = gcd(*weights)
    table = QuotaTable([w // divisor for w in weights])
    return _Plan(tuple(fractions), sum(weights), denominator, table)


def _velocity(
    sellable: int, shares: Mapping[ChannelId, Decimal], channels: Sequence[ChannelId]
) -> dict[ChannelId, int]:
    result = dict.fromkeys(channels, 0)
    parties = sorted(ch for ch in result if ch in shares and shares[ch] > 0)
    if not parties or sellable <= 0:
        return result
    ratios = [shares[ch].as_integer_ratio() for ch in parties]
    denominator = lcm(*(d for _, d in ratios))
    weights = [n * (denominator // d) for n, d in ratios]
    total = sum(weights)
    shortfall = denominator - total  # 1 − Σ shares, times the denominator
    if shortfall < 0 or shortfall * _ROUNDING_INVERSE <= denominator * len(parties):
        # never above sellable if shares overshoot; a sum short of 1 only by the 6-place
        # rounding of ``rebalance_shares`` counts as 1 (else 1 unit would never be listed)
        denominator = total
    result.update(zip(parties, largest_remainder(sellable, weights, denominator), strict=True))
    return result


@lru_cache(maxsize=256)
def _even(channels: tuple[ChannelId, ...], limits: VelocityLimits) -> Mapping[ChannelId, Decimal]:
    return MappingProxyType(even_shares(channels, limits))
