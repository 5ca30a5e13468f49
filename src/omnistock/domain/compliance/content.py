"""The content of one listing, as far as marketplace content rules need it.

Every part is optional: a listing imported from a thin CSV, or read from a channel that does not
return some field, still checks; a rule that needs a missing field reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "AfterSales",
    "Gpsr",
    "Image",
    "ListingContent",
    "Parameter",
    "ShippingRates",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """One gallery image; dimensions in pixels and size in bytes when known."""

    url: str
    width: int | None = None
    height: int | None = None
    size: int | None = None

    @property
    def longer_side(self) -> int | None:
        """The longer of width and height, ``None`` when either is unknown."""
        if self.width is None or self.height is None:
            return None
        return max(self.width, self.height)


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """A category or product parameter (Allegro ``parameters[]``): id, name and values."""

    id: str | None = None
    name: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingRates:
    """The shipping rate set (price list) an offer uses and the fields rules read from it."""

    id: str | None = None
    name: str | None = None
    type: str | None = None  # PHYSICAL | ELECTRONIC (Allegro, mandatory from 2026-07-22)
    dispatch_country: str | None = None  # ISO 3166-1 alpha-2, for PHYSICAL


@dataclass(frozen=True, slots=True, kw_only=True)
class AfterSales:
    """After-sales terms by id or name: return policy, complaints (implied warranty), warranty."""

    return_policy: str | None = None
    implied_warranty: str | None = None
    warranty: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Gpsr:
    """EU General Product Safety Regulation data of the product.

    ``safety_type`` is ``TEXT``, ``ATTACHMENTS`` or ``NO_SAFETY_INFORMATION`` (Allegro's names);
    ``marketed_before_obligation`` is Allegro's ``marketedBeforeGPSRObligation``.
    """

    responsible_producer: str | None = None
    responsible_person: str | None = None
    safety_type: str | None = None
    safety_text: str | None = None
    safety_attachments: tuple[str, ...] = ()
    marketed_before_obligation: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingContent:
    """Everything content rules look at for one offer on one channel."""

    offer: str
    channel: str | None = None
    title: str | None = None
    description: tuple[str, ...] = ()  # text of each section, markup kept
    description_images: tuple[str, ...] = ()  # image URLs inside the description
    images: tuple[Image, ...] = ()
    category: str | None = None
    parameters: tuple[Parameter, ...] = ()
    gtin: str | None = None
    condition: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    shipping: ShippingRates = ShippingRates()
    after_sales: AfterSales = AfterSales()
    gpsr: Gpsr = Gpsr()

    def parameter(self, key: str) -> tuple[str, ...] | None:
        """Values of the parameter whose id or name (case-insensitive) is ``key``."""
        folded = key.casefold()
        for parameter in self.parameters:
            if parameter.id == key or (parameter.name or "").casefold() == folded:
                return parameter.values
        return None
