"""The ``velocity`` strategy's shares for allocation: sales history in, shares out.

``rebalanced`` is what a recompute does: for every SKU under a velocity policy it weighs the
recent sales per channel account (one grouped read of the imported order lines over the
policy's window), moves the last stored shares toward that mix within floor, ceiling and
maximum step (``domain.velocity.rebalance_shares``), stores the shares that changed and returns
the inputs carrying them. ``with_stored`` is what ``show`` and ``explain`` use: the shares the
last rebalance stored, so they show what the channels were told.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from omnistock.domain.allocation import AllocationInput
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.policy import Strategy
from omnistock.domain.velocity import rebalance_shares, sales_window, weighted_sales
from omnistock.service.ports import UnitOfWork

__all__ = ["rebalanced", "with_stored"]

Inputs = Mapping[Sku, AllocationInput]
Shares = dict[Sku, dict[ChannelId, Decimal]]


def _under_velocity(inputs: Inputs) -> dict[Sku, AllocationInput]:
    return {s: i for s, i in inputs.items() if i.policy.strategy is Strategy.VELOCITY}


def _carrying(inputs: Inputs, shares: Shares) -> dict[Sku, AllocationInput]:
    result = dict(inputs)
    for sku, by_channel in shares.items():
        result[sku] = dataclasses.replace(inputs[sku], velocity_shares=by_channel)
    return result


def _kept(stored: Mapping[ChannelId, Decimal], fresh: Mapping[ChannelId, Decimal]) -> object:
    """The stored shares of the channel accounts in ``fresh`` (others are ignored)."""
    return {ch: stored[ch] for ch in fresh if ch in stored}


def with_stored(uow: UnitOfWork, inputs: Inputs) -> dict[Sku, AllocationInput]:
    """``inputs`` with the stored shares of the SKUs under a velocity policy."""
    wanted = _under_velocity(inputs)
    if not wanted:
        return dict(inputs)
    stored = uow.velocity.shares(wanted)
    return _carrying(inputs, {s: stored[s] for s in wanted if s in stored})


def rebalanced(
    uow: UnitOfWork, inputs: Inputs, *, every_sku: bool, now: datetime
) -> dict[Sku, AllocationInput]:
    """``inputs`` with freshly rebalanced velocity shares, which are also stored.

    ``every_sku`` reads the sales of all SKUs in one query (a full recompute) instead of
    naming the SKUs.
    """
    wanted = _under_velocity(inputs)
    if not wanted:
        return dict(inputs)
    longest = max(sales_window(i.policy.velocity) for i in wanted.values())
    sales = uow.velocity.recent_sales(None if every_sku else wanted, since=now - longest)
    stored = uow.velocity.shares(None if every_sku else wanted)
    fresh: Shares = {}
    same: dict[object, dict[ChannelId, Decimal]] = {}  # SKUs without sales share answers
    for sku, inp in wanted.items():
        limits = inp.policy.velocity
        since = now - sales_window(limits)
        recent = [sale for sale in sales.get(sku, ()) if sale.at >= since]
        weights = weighted_sales(recent, now=now, half_life_days=limits.half_life_days)
        previous = stored.get(sku, {})
        key: tuple[object, ...] = (
            tuple(sorted(weights.items())),
            tuple(sorted(previous.items())),
            limits,
            tuple(inp.channels),
        )
        if key not in same:
            same[key] = rebalance_shares(weights, previous, inp.channels, limits)
        fresh[sku] = same[key]
    changed = {s: v for s, v in fresh.items() if v != _kept(stored.get(s, {}), v)}
    if changed:
        uow.velocity.set_shares(changed, at=now)
    return _carrying(inputs, fresh)
