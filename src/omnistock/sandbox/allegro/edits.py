"""Single-offer edits (``PATCH /sale/product-offers/{offerId}``): validation and application.

Supported fields: ``name``, ``stock.available``, ``sellingMode.price``, ``publication.status``,
``external.id`` and ``parameters``; others are accepted and ignored. Stock 0 on an active offer
ends it.
With ``async_delay_seconds`` the edit is pending (202 + operation) until it is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from omnistock.sandbox.allegro.errors import AllegroError
from omnistock.sandbox.allegro.offers import MAX_STOCK, Offer, OfferStatus

__all__ = ["MAX_PRICE", "OfferEdit", "PendingEdit", "apply_edit", "parse_edit"]

MAX_PRICE = Decimal("1000000000")


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferEdit:
    """The recognised changes of one PATCH body."""

    name: str | None = None
    available: int | None = None
    price: Decimal | None = None
    currency: str | None = None
    status: str | None = None
    external_id: str | None = None
    parameters: tuple[tuple[str, tuple[str, ...]], ...] | None = None


@dataclass(slots=True, kw_only=True)
class PendingEdit:
    """An accepted edit still being processed."""

    operation_id: str
    offer_id: str
    edit: OfferEdit
    started_at: datetime
    due: float


def _invalid(path: str, message: str) -> AllegroError:
    return AllegroError(422, "VALIDATION_ERROR", message, path=path)


def _stock(body: dict[str, Any]) -> int | None:
    stock = body.get("stock")
    if stock is None:
        return None
    if not isinstance(stock, dict):
        raise _invalid("stock", "must be an object")
    value = stock.get("available")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_STOCK:
        raise _invalid("stock.available", f"must be an integer between 0 and {MAX_STOCK}")
    return value


def _price(body: dict[str, Any]) -> tuple[Decimal | None, str | None]:
    mode = body.get("sellingMode")
    price = mode.get("price") if isinstance(mode, dict) else None
    if price is None:
        return None, None
    try:
        amount = Decimal(str(price["amount"]))
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise _invalid("sellingMode.price.amount", "must be a decimal number") from exc
    if not amount.is_finite() or not 0 < amount < MAX_PRICE or amount != round(amount, 2):
        raise _invalid("sellingMode.price.amount", "must be a positive amount with 2 decimals")
    currency = price.get("currency", "PLN")
    if currency != "PLN":
        raise _invalid("sellingMode.price.currency", "must be PLN on allegro-pl")
    return amount, currency


def _external(body: dict[str, Any]) -> str | None:
    external = body.get("external")
    if external is None:
        return None
    value = external.get("id") if isinstance(external, dict) else None
    if not isinstance(value, str) or len(value) > 100:
        raise _invalid("external.id", "must be a string of at most 100 characters")
    return value


def _name(body: dict[str, Any]) -> str | None:
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 75):
        raise _invalid("name", "size must be between 1 and 75")
    return name


def _status(body: dict[str, Any]) -> str | None:
    publication = body.get("publication")
    status = publication.get("status") if isinstance(publication, dict) else None
    if status is not None and status not in ("ACTIVE", "ENDED"):
        raise _invalid("publication.status", "must be one of [ACTIVE, ENDED]")
    return status


def _parameter_values(item: Any) -> list[Any]:
    if not isinstance(item, dict):
        return []
    lists = [item.get("values", []), item.get("valuesIds", [])]
    if not all(isinstance(v, list) for v in lists):
        return []
    return [v for v in [*lists[0], *lists[1]] if isinstance(v, str | int) and v != ""]


def _parameters(body: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    raw = body.get("parameters")
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise _invalid("parameters", "must be a list")
    parsed = []
    for n, item in enumerate(raw):
        values = _parameter_values(item)
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not values:
            raise _invalid(f"parameters[{n}]", "needs an id and values or valuesIds")
        parsed.append((item["id"], tuple(str(v) for v in values)))
    return tuple(parsed)


def parse_edit(body: Any) -> OfferEdit:
    """Validate a PATCH body (422 ``VALIDATION_ERROR`` naming the path)."""
    if not isinstance(body, dict):
        raise AllegroError(400, "BadRequestException", "Malformed request body")
    price, currency = _price(body)
    return OfferEdit(
        name=_name(body),
        available=_stock(body),
        price=price,
        currency=currency,
        status=_status(body),
        external_id=_external(body),
        parameters=_parameters(body),
    )


def apply_edit(offer: Offer, edit: OfferEdit, now: datetime) -> None:
    """Apply ``edit``; stock 0 ends an active offer, ``ACTIVE`` needs stock."""
    if edit.name is not None or edit.external_id is not None or edit.parameters:
        offer.name = edit.name if edit.name is not None else offer.name
        offer.external_id = edit.external_id if edit.external_id is not None else offer.external_id
        for parameter_id, values in edit.parameters or ():
            offer.parameters[parameter_id] = list(values)
        offer.touch(now)
    if edit.price is not None:
        offer.set_price(edit.price, edit.currency or offer.currency, now)
    if edit.available is not None:
        offer.set_available(edit.available, now)
    if edit.status == "ENDED" and offer.status is not OfferStatus.ENDED:
        offer.end(now, "USER")
    elif edit.status == "ACTIVE" and offer.available > 0 and edit.available != 0:
        offer.activate(now)
    offer.updated_at = now
