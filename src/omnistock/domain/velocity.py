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
from fractions import Fraction

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
    target = _targets(weights, names, Fraction(floor))
    shares = {ch: min(max(target[ch], Fraction(lows[ch])), Fraction(highs[ch])) for ch in names}
    shares = _fit(shares, {ch: Fraction(v) for ch, v in lows.items()})
    shares = _fit(shares, dict.fromkeys(names, Fraction(floor)))
    return {ch: _round_down(shares[ch], lows[ch], floor) for ch in names}


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


def _targets(
    weights: Mapping[ChannelId, Decimal], names: list[ChannelId], floor: Fraction
) -> dict[ChannelId, Fraction]:
    history = {ch: Fraction(weights[ch]) for ch in names if weights.get(ch, Decimal(0)) > 0}
    if not history:  # nothing sold anywhere yet: the sales mix says nothing, share evenly
        return dict.fromkeys(names, Fraction(1, len(names)))
    total = sum(history.values(), Fraction(0))
    mass = 1 - floor * (len(names) - len(history))
    return {ch: mass * history[ch] / total if ch in history else floor for ch in names}


def _fit(
    shares: dict[ChannelId, Fraction], lows: Mapping[ChannelId, Fraction]
) -> dict[ChannelId, Fraction]:
    """Lower shares toward ``lows`` in proportion to their slack until they sum to ≤ 1."""
    excess = sum(shares.values(), Fraction(0)) - 1
    if excess <= 0:
        return shares
    slack = {ch: max(s - lows[ch], Fraction(0)) for ch, s in shares.items()}
    room = sum(slack.values(), Fraction(0))
    if room <= excess:
        return {ch: min(s, lows[ch]) for ch, s in shares.items()}
    return {ch: s - excess * slack[ch] / room for ch, s in shares.items()}


def _round_down(value: Fraction, low: Decimal, floor: Decimal) -> Decimal:
    """``value`` to 6 places, rounded down but never below the bound it already respects."""
    rounded = Decimal(math.floor(value * 1_000_000)).scaleb(-6)
    return max(rounded, low if value >= Fraction(low) else floor)


def even_shares(channels: Sequence[ChannelId], limits: VelocityLimits) -> dict[ChannelId, Decimal]:
    """Shares before any rebalance: an even split within the floor and ceiling."""
    return rebalance_shares({}, {}, channels, limits)


def sales_window(limits: VelocityLimits) -> timedelta:
    """How far back sales count: ``WINDOW_HALF_LIVES`` half-lives of the policy."""
    return timedelta(days=float(limits.half_life_days) * WINDOW_HALF_LIVES)
