"""Field paths rules may name, each resolved once to a getter (no lookups per listing).

Listing fields: see :data:`LISTING_FIELDS`; ``parameter:<id or name>`` reads a parameter's values.
Inside ``each``, a check names a field of the item: images have ``url``, ``width``, ``height``,
``size``, ``longer_side``; parameters have ``id``, ``name``, ``values``; text items use ``value``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from omnistock.domain.compliance.content import Image, ListingContent, Parameter
from omnistock.domain.errors import InvalidValue

__all__ = [
    "ITEM_FIELDS",
    "LISTING_FIELDS",
    "PARAMETER_PREFIX",
    "Getter",
    "as_number",
    "is_missing",
    "item_getter",
    "listing_getter",
]

Getter = Callable[[Any], Any]
PARAMETER_PREFIX = "parameter:"


def _safety(listing: ListingContent) -> str | None:
    """``TEXT``/``ATTACHMENTS`` when that information is actually given, else ``None``."""
    gpsr = listing.gpsr
    if gpsr.safety_text and gpsr.safety_text.strip():
        return "TEXT"
    return "ATTACHMENTS" if gpsr.safety_attachments else None


LISTING_FIELDS: Mapping[str, Callable[[ListingContent], object]] = {
    "offer": lambda c: c.offer,
    "channel": lambda c: c.channel,
    "title": lambda c: c.title,
    "description": lambda c: "\n".join(c.description) if c.description else None,
    "description.sections": lambda c: c.description,
    "description.images": lambda c: c.description_images,
    "images": lambda c: c.images,
    "images.with_description": lambda c: (
        c.images + tuple(Image(url=u) for u in c.description_images)
    ),
    "category": lambda c: c.category,
    "parameters": lambda c: c.parameters,
    "gtin": lambda c: c.gtin,
    "condition": lambda c: c.condition,
    "price": lambda c: c.price,
    "currency": lambda c: c.currency,
    "shipping.id": lambda c: c.shipping.id,
    "shipping.name": lambda c: c.shipping.name,
    "shipping.type": lambda c: c.shipping.type,
    "shipping.dispatch_country": lambda c: c.shipping.dispatch_country,
    "after_sales.return_policy": lambda c: c.after_sales.return_policy,
    "after_sales.implied_warranty": lambda c: c.after_sales.implied_warranty,
    "after_sales.warranty": lambda c: c.after_sales.warranty,
    "gpsr.responsible_producer": lambda c: c.gpsr.responsible_producer,
    "gpsr.responsible_person": lambda c: c.gpsr.responsible_person,
    "gpsr.safety_information": _safety,
    "gpsr.safety_type": lambda c: c.gpsr.safety_type,
    "gpsr.safety_text": lambda c: c.gpsr.safety_text,
    "gpsr.safety_attachments": lambda c: c.gpsr.safety_attachments,
    "gpsr.marketed_before_obligation": lambda c: c.gpsr.marketed_before_obligation,
}

ITEM_FIELDS: Mapping[str, Callable[[object], object]] = {
    "value": lambda item: item,
    "url": lambda item: item.url if isinstance(item, Image) else None,
    "width": lambda item: item.width if isinstance(item, Image) else None,
    "height": lambda item: item.height if isinstance(item, Image) else None,
    "size": lambda item: item.size if isinstance(item, Image) else None,
    "longer_side": lambda item: item.longer_side if isinstance(item, Image) else None,
    "id": lambda item: item.id if isinstance(item, Parameter) else None,
    "name": lambda item: item.name if isinstance(item, Parameter) else None,
    "values": lambda item: item.values if isinstance(item, Parameter) else None,
}


def listing_getter(path: str) -> Getter:
    """The getter for a listing field path; unknown paths raise ``InvalidValue``."""
    if path.startswith(PARAMETER_PREFIX) and len(path) > len(PARAMETER_PREFIX):
        key = path[len(PARAMETER_PREFIX) :]
        return lambda c: c.parameter(key)
    getter = LISTING_FIELDS.get(path)
    if getter is None:
        raise InvalidValue(f"unknown field {path!r}", field="field")
    return getter


def item_getter(path: str) -> Getter:
    """The getter for a field of a list item (inside ``each``)."""
    getter = ITEM_FIELDS.get(path)
    if getter is None:
        raise InvalidValue(f"unknown item field {path!r}", field="field")
    return getter


def is_missing(value: object) -> bool:
    """``None``, blank text and empty lists are missing; ``False`` and ``0`` are values."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list):
        return not value
    return False


def as_number(value: object) -> Decimal | None:
    """A number as ``Decimal`` (bools are not numbers), ``None`` if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", "."))
        except ArithmeticError:
            return None
    return None
