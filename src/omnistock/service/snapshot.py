"""Loading what allocation needs for a set of SKUs, in a few bulk reads of an open unit of work.

``load`` is the one path used by ``recompute``, ``show_stock`` and ``explain``, so what a channel
is told and what ``explain`` shows come from the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from omnistock.domain.allocation import AllocationInput
from omnistock.domain.bundles import Bundle, flat_components
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.inventory import BundleComponent, Reservation, StockLevel, available
from omnistock.domain.policy import Policy, PolicyScope, resolve_policy
from omnistock.service.ports import UnitOfWork
from omnistock.service.velocity import with_stored

__all__ = ["Snapshot", "containing_bundles", "load"]

_T = TypeVar("_T", StockLevel, Reservation)


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """Allocation inputs of the loaded SKUs and their current listings."""

    inputs: Mapping[Sku, AllocationInput]
    listings: Mapping[Sku, Mapping[ChannelId, tuple[str, int | None]]]
    paused: Collection[Sku]


def containing_bundles(skus: Iterable[Sku], bundles: Mapping[Sku, Bundle]) -> set[Sku]:
    """``skus`` plus every kit that contains any of them, directly or through nested kits."""
    parents: dict[Sku, set[Sku]] = {}
    for kit in bundles.values():
        for part in kit.components:
            parents.setdefault(part.sku, set()).add(kit.sku)
    result = set(skus)
    todo = list(result)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in result:
                result.add(parent)
                todo.append(parent)
    return result


def load(uow: UnitOfWork, skus: Collection[Sku] | None, *, stored_shares: bool = True) -> Snapshot:
    """Inputs for ``skus`` (``None`` = every product) with kits expanded to their components.

    SKUs under a velocity policy carry the shares of their last rebalance (``stored_shares``;
    a recompute rebalances them itself, see ``service.velocity``).
    """
    groups = uow.products.groups(skus)
    bundles = uow.products.bundles()
    kits = {sku: flat_components(sku, bundles) for sku in groups if sku in bundles}
    stocked = None if skus is None else _stocked(groups, kits)
    build = _Builder(
        levels=_by_sku(uow.stock.levels(stocked)),
        reserved=_by_sku(uow.reservations.open_for(stocked)),
        policy_of=_policy_resolver(uow.policies.rules()),
        channels=[c.name for c in uow.channels.list()],
        paused=uow.pauses.paused(skus),
    )
    inputs = {sku: build(sku, group, kits.get(sku, [])) for sku, group in groups.items()}
    if stored_shares:
        inputs = with_stored(uow, inputs)
    return Snapshot(inputs=inputs, listings=uow.listings.desired(skus), paused=build.paused)


def _stocked(groups: Mapping[Sku, object], kits: Mapping[Sku, list[BundleComponent]]) -> set[Sku]:
    """The SKUs whose stock is needed: the plain ones and every component of the kits."""
    stocked = {s for s in groups if s not in kits}
    stocked.update(c.sku for parts in kits.values() for c in parts)
    return stocked


@dataclass(frozen=True, slots=True, kw_only=True)
class _Builder:
    levels: dict[Sku, list[StockLevel]]
    reserved: dict[Sku, list[Reservation]]
    policy_of: Callable[[Sku, str | None], Policy]
    channels: list[ChannelId]
    paused: set[Sku]

    def __call__(
        self, sku: Sku, group: str | None, parts: list[BundleComponent]
    ) -> AllocationInput:
        levels, reserved = self.levels, self.reserved
        component_available = {
            c.sku: available(levels.get(c.sku, ()), reserved.get(c.sku, ())) for c in parts
        }
        return AllocationInput(
            sku=sku,
            levels=levels.get(sku, ()),
            reservations=reserved.get(sku, ()),
            policy=self.policy_of(sku, group),
            channels=self.channels,
            was_paused=sku in self.paused,
            bundle=parts,
            component_available=component_available,
        )


def _by_sku(items: Iterable[_T]) -> dict[Sku, list[_T]]:
    grouped: dict[Sku, list[_T]] = {}
    for item in items:
        grouped.setdefault(item.sku, []).append(item)
    return grouped


def _policy_resolver(
    rules: dict[tuple[PolicyScope, str], Policy],
) -> Callable[[Sku, str | None], Policy]:
    """``resolve_policy`` with the answer for SKUs without their own rule cached per group."""
    rules.setdefault((PolicyScope.GLOBAL, ""), Policy())  # one shared default object
    own = {key for scope, key in rules if scope is PolicyScope.SKU}
    by_group: dict[str | None, Policy] = {}

    def policy_of(sku: Sku, group: str | None) -> Policy:
        if sku in own:
            return resolve_policy(sku, group, rules)[1]
        if group not in by_group:
            by_group[group] = resolve_policy(sku, group, rules)[1]
        return by_group[group]

    return policy_of
