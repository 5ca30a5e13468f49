"""A product catalog's items, keyed by ``retailer_id``, and how one batch request changes them.

A request is ``{"method": CREATE|UPDATE|DELETE, "data": {"id": <retailer_id>, …fields}}``.
CREATE and UPDATE upsert (``allow_upsert`` defaults to true); a new item needs the required
catalog fields. Problems are reported per request, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

REQUIRED = (
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
)
AVAILABILITY = ("in stock", "out of stock", "preorder", "available for order", "discontinued")
CONDITIONS = ("new", "refurbished", "used", "used_like_new", "used_good", "used_fair")
METHODS = ("CREATE", "UPDATE", "DELETE")
_PRICE = re.compile(r"^\d+(\.\d{1,2})? [A-Z]{3}$")
# Batch field name → Graph read field name.
READ_NAMES = {"title": "name", "link": "url", "image_link": "image_url"}


@dataclass(slots=True)
class CatalogItem:
    id: str
    retailer_id: str
    fields: dict[str, Any] = field(default_factory=dict)

    def read(self, names: list[str]) -> dict[str, Any]:
        """The item as ``GET …/products?fields=…`` shows it."""
        stored = {READ_NAMES.get(key, key): value for key, value in self.fields.items()}
        stored.update(id=self.id, retailer_id=self.retailer_id)
        return {name: stored[name] for name in ["id", *names] if name in stored}


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What one request did: an error message, warnings, or nothing to say."""

    error: str | None = None
    warnings: tuple[str, ...] = ()


def check_fields(data: dict[str, Any]) -> tuple[dict[str, Any], str | None, list[str]]:
    """Normalise the writable fields; returns (fields, error, warnings)."""
    fields = {key: value for key, value in data.items() if key != "id"}
    warnings: list[str] = []
    if "inventory" in fields:
        warnings.append("The field inventory is deprecated; use quantity_to_sell_on_facebook.")
    for name in ("quantity_to_sell_on_facebook", "inventory"):
        if name in fields:
            value = fields[name]
            number = int(value) if isinstance(value, str) and value.isdigit() else value
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                return fields, f"Invalid value for {name}: must be a non-negative integer", warnings
            fields[name] = number
    if "availability" in fields and fields["availability"] not in AVAILABILITY:
        return fields, f"Invalid value for availability: {fields['availability']!r}", warnings
    if "condition" in fields and fields["condition"] not in CONDITIONS:
        return fields, f"Invalid value for condition: {fields['condition']!r}", warnings
    if "price" in fields and not _PRICE.match(str(fields["price"])):
        return fields, "Invalid value for price: expected a format like '9.99 PLN'", warnings
    return fields, None, warnings


class Catalog:
    """One product catalog."""

    def __init__(self, catalog_id: str) -> None:
        self.id = catalog_id
        self.items: dict[str, CatalogItem] = {}
        self.next_item_id = int(catalog_id) + 1000

    def by_item_id(self, item_id: str) -> CatalogItem | None:
        return next((item for item in self.items.values() if item.id == item_id), None)

    def apply(self, request: Any, allow_upsert: bool) -> Outcome:
        """Apply one batch request; all its checks happen before it changes anything."""
        if not isinstance(request, dict) or request.get("method") not in METHODS:
            return Outcome(error="Invalid method: must be one of CREATE, UPDATE, DELETE")
        data = request.get("data")
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("id"), str | int)
            or data["id"] == ""
        ):
            return Outcome(error="Required field missing: id")
        retailer_id = str(data["id"])
        if request["method"] == "DELETE":
            if self.items.pop(retailer_id, None) is None:
                return Outcome(error=f"Item with id {retailer_id} does not exist in the catalog")
            return Outcome()
        return self._upsert(retailer_id, data, request["method"], allow_upsert)

    def _upsert(
        self, retailer_id: str, data: dict[str, Any], method: str, allow_upsert: bool
    ) -> Outcome:
        fields, error, warnings = check_fields(data)
        if error:
            return Outcome(error=error, warnings=tuple(warnings))
        existing = self.items.get(retailer_id)
        if existing is None:
            if method == "UPDATE" and not allow_upsert:
                return Outcome(error=f"Item with id {retailer_id} does not exist in the catalog")
            missing = [name for name in REQUIRED if name not in fields]
            if missing:
                return Outcome(
                    error=f"Required field missing: {', '.join(missing)}", warnings=tuple(warnings)
                )
            self.add(retailer_id, fields)
        else:
            existing.fields.update(fields)
        return Outcome(warnings=tuple(warnings))

    def add(self, retailer_id: str, fields: dict[str, Any]) -> CatalogItem:
        item = CatalogItem(id=str(self.next_item_id), retailer_id=retailer_id, fields=dict(fields))
        self.next_item_id += 1
        self.items[retailer_id] = item
        return item
