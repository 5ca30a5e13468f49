"""Bundles (kits): a SKU sold as a set of component SKUs, with no stock of its own.

A kit is available as often as its scarcest component allows
(``inventory.bundle_available``); selling one reserves its components, never the kit itself.
Kits may contain kits: always work on the *flattened* components (``flat_components``), or a
stock SKU reached through two paths would be counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku
from omnistock.domain.inventory import BundleComponent, Reservation, bundle_available

__all__ = [
    "MAX_DEPTH",
    "Bundle",
    "component_needs",
    "flat_components",
    "kit_available",
    "reservations_for_line",
]

MAX_DEPTH = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class Bundle:
    """A kit: ``components`` (each SKU once, not the kit itself) make one unit of ``sku``."""

    sku: Sku
    components: Sequence[BundleComponent]

    def __post_init__(self) -> None:
        if not self.components:
            raise InvalidValue("a bundle needs at least one component", field="components")
        skus = [c.sku for c in self.components]
        if len(set(skus)) != len(skus):
            raise InvalidValue("a component is listed twice", field="components")
        if self.sku in skus:
            raise InvalidValue("a bundle cannot contain itself", field="components")


def reservations_for_line(
    sku: Sku, quantity: int, order_ref: str, bundles: Mapping[Sku, Bundle]
) -> list[Reservation]:
    """What an order line reserves: the SKU itself, or for a kit its components (recursively).

    Quantities of a component reached through several nested kits are added up.
    """
    if quantity <= 0:
        raise InvalidValue("ordered quantity must be positive", field="quantity")
    needs = component_needs(sku, quantity, bundles)
    return [Reservation(sku=s, quantity=q, order_ref=order_ref) for s, q in needs.items()]


def flat_components(sku: Sku, bundles: Mapping[Sku, Bundle]) -> list[BundleComponent]:
    """The stocked SKUs one unit of a kit consumes (nested kits expanded, shared SKUs summed).

    This is what ``AllocationInput.bundle`` should receive.
    """
    needs = component_needs(sku, 1, bundles)
    return [BundleComponent(sku=s, quantity=q) for s, q in needs.items()]


def kit_available(sku: Sku, bundles: Mapping[Sku, Bundle], available: Mapping[Sku, int]) -> int:
    """Units of ``sku`` sellable given the ``available`` units of stocked SKUs."""
    if sku not in bundles:
        return max(available.get(sku, 0), 0)
    return bundle_available(flat_components(sku, bundles), available)


def component_needs(sku: Sku, quantity: int, bundles: Mapping[Sku, Bundle]) -> dict[Sku, int]:
    """Units of each stocked SKU that ``quantity`` units of ``sku`` consume."""
    needs: dict[Sku, int] = {}
    _expand(sku, quantity, bundles, needs, depth=0)
    return needs


def _expand(
    sku: Sku, quantity: int, bundles: Mapping[Sku, Bundle], needs: dict[Sku, int], depth: int
) -> None:
    if depth > MAX_DEPTH:
        raise InvalidValue(f"bundles nested too deep (cycle?) at {sku}", field="components")
    bundle = bundles.get(sku)
    if bundle is None:
        needs[sku] = needs.get(sku, 0) + quantity
        return
    for component in bundle.components:
        _expand(component.sku, component.quantity * quantity, bundles, needs, depth + 1)
