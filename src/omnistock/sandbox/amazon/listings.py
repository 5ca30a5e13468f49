"""The seller's listings: attributes per SKU, with the ``DEFAULT`` fulfillment quantity."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from omnistock.sandbox.amazon.patching import AVAILABILITY, apply_patches

__all__ = ["Listing", "ListingBook", "availability"]


def availability(quantity: int) -> list[dict[str, Any]]:
    """The ``fulfillment_availability`` attribute value for a merchant-fulfilled quantity."""
    return [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}]


def _item_name(attributes: Mapping[str, Any]) -> str | None:
    names = attributes.get("item_name")
    if isinstance(names, list) and names and isinstance(names[0], dict):
        value = names[0].get("value")
        return value if isinstance(value, str) else None
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """One listings item of the seller."""

    sku: str
    product_type: str
    asin: str
    item_name: str
    created: datetime
    updated: datetime
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def quantity(self) -> int | None:
        """Quantity for the ``DEFAULT`` (merchant) channel, ``None`` when not set."""
        for value in self.attributes.get(AVAILABILITY, []):
            if value.get("fulfillment_channel_code") == "DEFAULT":
                quantity = value.get("quantity")
                return quantity if isinstance(quantity, int) else None
        return None


class ListingBook:
    """Listings by SKU; every change stamps ``updated``."""

    def __init__(self) -> None:
        self._items: dict[str, Listing] = {}
        self._asin_counter = 0

    def __iter__(self) -> Iterator[Listing]:
        return iter(sorted(self._items.values(), key=lambda item: item.sku))

    def get(self, sku: str) -> Listing | None:
        """The listing, or ``None``."""
        return self._items.get(sku)

    def put(
        self,
        *,
        sku: str,
        quantity: int,
        now: datetime,
        title: str | None = None,
        product_type: str = "PRODUCT",
    ) -> Listing:
        """Create or replace a complete listing with ``quantity`` available."""
        self._asin_counter += 1
        old = self._items.get(sku)
        listing = Listing(
            sku=sku,
            product_type=product_type,
            asin=old.asin if old else f"B0SBX{self._asin_counter:05d}",
            item_name=title or (old.item_name if old else f"Sandbox product {sku}"),
            created=old.created if old else now,
            updated=now,
            attributes={**(old.attributes if old else {}), AVAILABILITY: availability(quantity)},
        )
        self._items[sku] = listing
        return listing

    def upsert(
        self, *, sku: str, product_type: str, attributes: Mapping[str, Any], now: datetime
    ) -> None:
        """``UPDATE``: create the listing or replace all its attributes."""
        old = self._items.get(sku)
        self.put(sku=sku, quantity=0, now=now, product_type=product_type)
        listing = self._items[sku]
        item_name = _item_name(attributes) or listing.item_name
        self._items[sku] = replace(
            listing,
            attributes=dict(attributes),
            item_name=item_name,
            created=old.created if old else now,
        )

    def patch(self, sku: str, patches: Sequence[Mapping[str, Any]], now: datetime) -> None:
        """Apply checked patches to an existing listing (no-op when it was deleted since)."""
        listing = self._items.get(sku)
        if listing is not None:
            attributes = apply_patches(listing.attributes, patches)
            self._items[sku] = replace(listing, attributes=attributes, updated=now)

    def replace_attributes(self, sku: str, attributes: Mapping[str, Any], now: datetime) -> None:
        """``PARTIAL_UPDATE``: replace the given top-level attributes."""
        listing = self._items.get(sku)
        if listing is not None:
            merged = {**listing.attributes, **attributes}
            self._items[sku] = replace(listing, attributes=merged, updated=now)

    def delete(self, sku: str) -> None:
        """Remove the listing."""
        self._items.pop(sku, None)

    def set_quantity(self, sku: str, quantity: int, now: datetime) -> None:
        """Set the ``DEFAULT`` quantity (buyers' orders, cancellations)."""
        self.patch(
            sku,
            [
                {
                    "op": "merge",
                    "path": f"/attributes/{AVAILABILITY}",
                    "value": availability(quantity),
                }
            ],
            now,
        )
