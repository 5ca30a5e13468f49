"""The Fraction-based ``rebalance_shares`` that the integer version replaced: the oracle the
equivalence property in ``test_velocity`` compares against (exact rationals, slow)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from omnistock.domain.ids import ChannelId
from omnistock.domain.policy import VelocityLimits

_PLACES = Decimal("0.000001")


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
