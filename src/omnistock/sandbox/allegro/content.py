"""Offer content the sandbox keeps for compliance reads, and the seller's shipping rate sets.

Shapes follow ``SaleProductOfferResponseV1`` and ``GET /sale/shipping-rates/{id}`` in the
official spec: images are URLs only (Allegro gives no dimensions), the description is sections
of ``TEXT``/``IMAGE`` items, GPSR data sits on each ``productSet`` element (responsible producer
and person by id, ``safetyInformation`` as ``TEXT``, ``ATTACHMENTS`` or
``NO_SAFETY_INFORMATION``, ``marketedBeforeGPSRObligation``), after-sales services and the
shipping rate set by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "PARAMETER_NAMES",
    "DescriptionItem",
    "OfferContent",
    "ProductElement",
    "ShippingRatesSet",
    "parameters_json",
]

PARAMETER_NAMES = {"11323": "Stan", "225693": "EAN (GTIN)", "224017": "Kod producenta"}
"""Names Allegro gives the common parameters (others are returned without a name)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DescriptionItem:
    """``{"type": "TEXT", "content": …}`` or ``{"type": "IMAGE", "url": …}``."""

    type: str
    content: str | None = None
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.type == "IMAGE":
            return {"type": "IMAGE", "url": self.url}
        return {"type": "TEXT", "content": self.content}


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductElement:
    """One ``productSet`` element: the product, its parameters and its GPSR data."""

    product_id: str | None = None
    parameters: dict[str, list[str]] = field(default_factory=dict)
    quantity: int = 1
    responsible_producer_id: str | None = None
    responsible_person_id: str | None = None
    safety_type: str | None = None  # TEXT | ATTACHMENTS | NO_SAFETY_INFORMATION
    safety_text: str | None = None
    safety_attachments: tuple[str, ...] = ()
    marketed_before_gpsr: bool | None = None

    def _safety(self) -> dict[str, Any] | None:
        if self.safety_type == "TEXT":
            return {"type": "TEXT", "description": self.safety_text or ""}
        if self.safety_type == "ATTACHMENTS":
            return {
                "type": "ATTACHMENTS",
                "attachments": [{"id": a} for a in self.safety_attachments],
            }
        if self.safety_type == "NO_SAFETY_INFORMATION":
            return {"type": "NO_SAFETY_INFORMATION"}
        return None

    def to_json(self) -> dict[str, Any]:
        product: dict[str, Any] = {"parameters": parameters_json(self.parameters)}
        if self.product_id is not None:
            product["id"] = self.product_id
        return {
            "quantity": {"value": self.quantity},
            "product": product,
            "responsibleProducer": _ref(self.responsible_producer_id),
            "responsiblePerson": _ref(self.responsible_person_id),
            "safetyInformation": self._safety(),
            "marketedBeforeGPSRObligation": self.marketed_before_gpsr,
        }


def _ref(value: str | None) -> dict[str, str] | None:
    return {"id": value} if value else None


def parameters_json(parameters: dict[str, list[str]]) -> list[dict[str, Any]]:
    """``ParameterProductOfferResponse`` items."""
    found = []
    for parameter_id, values in parameters.items():
        item: dict[str, Any] = {"id": parameter_id, "values": list(values)}
        if parameter_id in PARAMETER_NAMES:
            item["name"] = PARAMETER_NAMES[parameter_id]
        found.append(item)
    return found


@dataclass(slots=True, kw_only=True)
class OfferContent:
    """What an offer shows besides name, price and stock (all optional, as on a draft)."""

    images: list[str] = field(default_factory=list)
    description: list[list[DescriptionItem]] = field(default_factory=list)
    products: list[ProductElement] = field(default_factory=list)
    shipping_rates_id: str | None = None
    handling_time: str | None = None
    return_policy_id: str | None = None
    implied_warranty_id: str | None = None
    warranty_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The content fields of ``SaleProductOfferResponseV1``."""
        after = {
            "returnPolicy": _ref(self.return_policy_id),
            "impliedWarranty": _ref(self.implied_warranty_id),
            "warranty": _ref(self.warranty_id),
        }
        delivery = {
            "shippingRates": _ref(self.shipping_rates_id),
            "handlingTime": self.handling_time,
        }
        return {
            "images": list(self.images),
            "description": {
                "sections": [{"items": [i.to_json() for i in s]} for s in self.description]
            },
            "productSet": [p.to_json() for p in self.products],
            "delivery": delivery,
            "afterSalesServices": after if any(after.values()) else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingRatesSet:
    """A seller's shipping rate set; ``type``/``dispatch_country`` may be missing (old sets)."""

    id: str
    name: str
    last_modified: datetime
    type: str | None = None
    dispatch_country: str | None = None
    rates: tuple[dict[str, Any], ...] = ()
