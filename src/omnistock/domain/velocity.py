"""The ``velocity`` strategy's shares: recent sales per channel, weighted exponentially.

``weighted_sales`` turns sales into a weight per channel (a sale ``half_life_days`` old counts
half); ``rebalance_shares`` turns weights into shares of sellable (fractions 0–1) that move
toward the sales mix but stay within the policy's floor, ceiling and maximum step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from math import lcm

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.policy import VelocityLimits

__all__ = [
    "WINDOW_HALF_LIVES",
    "Sale",
    "even_shares",
    "rebalance_shares",
    "sales_window",
    "weighted_sales",
]

_SECONDS_PER_DAY = 86_400.0
WINDOW_HALF_LIVES = 8
"""Sales older than this many half-lives (weight below 1/256) are left out of the window."""
_PLACES = Decimal("0.000001")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sale:
    """``quantity`` units of a SKU sold on ``channel`` at ``at`` (aware UTC)."""

    channel: ChannelId
    quantity: int
    at: datetime

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise InvalidValue("sold quantity must be positive", field="quantity")
        if self.at.tzinfo is None:
            raise InvalidValue("sale time must be timezone-aware", field="at")


def weighted_sales(
    sales: Iterable[Sale], *, now: datetime, half_life_days: Decimal | int
) -> dict[ChannelId, Decimal]:
    """Σ quantity · 2^(−age / half-life) per channel (6 decimal places); future sales count 1."""
    half_life = float(half_life_days)
    if half_life <= 0:
        raise InvalidValue("half-life must be positive", field="half_life_days")
    parts: dict[ChannelId, list[float]] = {}
    for sale in sales:
        age_days = max((now - sale.at).total_seconds(), 0.0) / _SECONDS_PER_DAY
        parts.setdefault(sale.channel, []).append(sale.quantity * math.exp2(-age_days / half_life))
    return {ch: Decimal(math.fsum(p)).quantize(_PLACES) for ch, p in parts.items()}


def rebalance_shares(
    weights: Mapping[ChannelId, Decimal],
    previous: Mapping[ChannelId, Decimal],
    channels: Sequence[ChannelId],
    limits: VelocityLimits,
) -> dict[ChannelId, Decimal]:
    """New shares of ``channels`` (fractions, 6 places, summing to at most 1).

    The target is each channel's part of the weights; a channel without sales history targets
    the floor (if no channel has any history, all target an even split). Every share stays
    within [floor, ceiling] and moves at most ``max_step`` from its previous share (a channel
    absent from ``previous`` starts at its target). When the rules cannot all hold they yield
    in this order: the sum ≤ 1 always holds, so with more than 1 / floor channels the floor is
    lowered to 1 / n, and a new channel may push the others down by more than a step; a
    previous share outside changed limits is brought inside at once.
    """
    names = sorted(set(channels))
    if not names:
        return {}
    floor = min(limits.floor, (Decimal(1) / len(names)).quantize(_PLACES, ROUND_FLOOR))
    lows: dict[ChannelId, Decimal] = {}
    highs: dict[ChannelId, Decimal] = {}
    for ch in names:
        lows[ch], highs[ch] = _bounds(previous.get(ch), floor, limits)
    return _solve(weights, names, floor, lows, highs)


def _bounds(
    previous: Decimal | None, floor: Decimal, limits: VelocityLimits
) -> tuple[Decimal, Decimal]:
    low, high = floor, max(limits.ceiling, floor)
    if previous is None:
        return low, high
    stepped_low = max(low, previous - limits.max_step)
    stepped_high = min(high, previous + limits.max_step)
    if stepped_low > stepped_high:  # previous outside (changed) limits: into range at once
        inside = min(max(previous, low), high)
        return inside, inside
    return stepped_low, stepped_high


class _Scale:
    """Exact arithmetic on integers: a value ``x`` is the integer ``x · den`` (one common
    denominator for every share, bound and target, raised when a step needs it)."""

    def __init__(self, values: Sequence[Decimal]) -> None:
        self.unit = lcm(*(v.as_integer_ratio()[1] for v in values))

    def of(self, value: Decimal) -> int:
        n, d = value.as_integer_ratio()
        return n * (self.unit // d)


def _solve(
    weights: Mapping[ChannelId, Decimal],
    names: list[ChannelId],
    floor: Decimal,
    lows: Mapping[ChannelId, Decimal],
    highs: Mapping[ChannelId, Decimal],
) -> dict[ChannelId, Decimal]:
    """Clamp the targets into [low, high], fit the sum under 1, round down to 6 places."""
    history = {ch: weights[ch] for ch in names if weights.get(ch, Decimal(0)) > 0}
    scale = _Scale([floor, *lows.values(), *highs.values(), *history.values()])
    unit = scale.unit
    if history:  # target = (1 − floor · channels without history) · weight / Σ weights
        total = sum(scale.of(w) for w in history.values())
        den = unit * total
        mass = unit - scale.of(floor) * (len(names) - len(history))
        target = {
            ch: mass * scale.of(history[ch]) if ch in history else scale.of(floor) * total
            for ch in names
        }
        factor = total
    else:  # nothing sold anywhere yet: the sales mix says nothing, share evenly
        den, factor = unit * len(names), len(names)
        target = dict.fromkeys(names, unit)
    low = {ch: scale.of(lows[ch]) * factor for ch in names}
    high = {ch: scale.of(highs[ch]) * factor for ch in names}
    shares = {ch: min(max(target[ch], low[ch]), high[ch]) for ch in names}
    bottom = dict.fromkeys(names, scale.of(floor) * factor)
    shares, den, grow = _fit(shares, low, den)
    low = {ch: v * grow for ch, v in low.items()}
    shares, den, grow = _fit(shares, {ch: v * grow for ch, v in bottom.items()}, den)
    low = {ch: v * grow for ch, v in low.items()}
    return {
        ch: max(
            Decimal(shares[ch] * 1_000_000 // den).scaleb(-6),
            lows[ch] if shares[ch] >= low[ch] else floor,
        )
        for ch in names
    }


def _fit(
    shares: dict[ChannelId, int], lows: Mapping[ChannelId, int], den: int
) -> tuple[dict[ChannelId, int], int, int]:
    """Lower shares toward ``lows`` in proportion to their slack until they sum to ≤ 1.

    Values are numerators over ``den``; returns the new shares, denominator and the factor
    the denominator grew by.
    """
    excess = sum(shares.values()) - den
    if excess <= 0:
        return shares, den, 1
    slack = {ch: max(s - lows[ch], 0) for ch, s in shares.items()}
    room = sum(slack.values())
    if room <= excess:
        return {ch: min(s, lows[ch]) for ch, s in shares.items()}, den, 1
    return {ch: s * room - excess * slack[ch] for ch, s in shares.items()}, den * room, room


def even_shares(channels: Sequence[ChannelId], limits: VelocityLimits) -> dict[ChannelId, Decimal]:
    """Shares before any rebalance: an even split within the floor and ceiling."""
    return rebalance_shares({}, {}, channels, limits)


def sales_window(limits: VelocityLimits) -> timedelta:
    """How far back sales count: ``WINDOW_HALF_LIVES`` half-lives of the policy."""
    return timedelta(days=float(limits.half_life_days) * WINDOW_HALF_LIVES)
