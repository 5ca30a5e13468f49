"""Use cases of allocation: recompute the desired quantities of listings, explain a SKU."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from omnistock.domain.allocation import allocate_sku
from omnistock.domain.errors import UnknownSku
from omnistock.domain.explain import Explanation, explain_sku
from omnistock.domain.ids import ChannelId, Sku
from omnistock.service.ports import UnitOfWork
from omnistock.service.snapshot import containing_bundles, load
from omnistock.service.velocity import rebalanced

__all__ = ["explain", "moment", "recompute", "recompute_in"]


def recompute(uow: UnitOfWork, skus: Iterable[Sku] | None, *, now: datetime) -> int:
    """Recompute and store the listings of ``skus`` (``None`` = all); returns listings changed."""
    with uow:
        changed = recompute_in(uow, skus, now=now)
        uow.commit()
    return changed


def recompute_in(uow: UnitOfWork, skus: Iterable[Sku] | None, *, now: datetime) -> int:
    """``recompute`` inside an open unit of work (the caller commits).

    The given SKUs and every kit containing them are recomputed; only listings whose desired
    quantity changes are written, and only pause states that change. SKUs under a velocity
    policy are rebalanced from their recent sales per channel (``service.velocity``).
    """
    targets = None if skus is None else containing_bundles(skus, uow.products.bundles())
    snapshot = load(uow, targets, stored_shares=False)
    inputs = rebalanced(uow, snapshot.inputs, every_sku=targets is None, now=now)
    changes: list[tuple[ChannelId, str, int]] = []
    pauses: dict[Sku, bool] = {}
    for sku, inp in inputs.items():
        result = allocate_sku(inp)
        if result.paused != inp.was_paused:
            pauses[sku] = result.paused
        for channel, (offer_id, desired) in snapshot.listings.get(sku, {}).items():
            quantity = result.quantities.get(channel, 0)
            if quantity != desired:
                changes.append((channel, offer_id, quantity))
    if pauses:
        uow.pauses.set(pauses, at=now)
    return uow.listings.set_desired(changes, observed_at=now)


def explain(uow: UnitOfWork, sku: Sku) -> Explanation:
    """Every number behind the allocation of ``sku``; ``UnknownSku`` if it does not exist."""
    with uow:
        snapshot = load(uow, [sku])
    if sku not in snapshot.inputs:
        raise UnknownSku(f"no product {sku!r}", field="sku")
    return explain_sku(snapshot.inputs[sku])


def moment(now: datetime | None) -> datetime:
    """``now``, or the system clock's time for callers that have no clock at hand."""
    if now is not None:
        return now
    from omnistock.service.clock import SystemClock

    return SystemClock().now()
