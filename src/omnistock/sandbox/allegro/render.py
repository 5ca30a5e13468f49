"""JSON shapes of offers, command reports, checkout forms and events, as Allegro serialises them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from omnistock.sandbox.allegro.content import parameters_json

if TYPE_CHECKING:
    from omnistock.sandbox.allegro.commands import Command, Task
    from omnistock.sandbox.allegro.content import ShippingRatesSet
    from omnistock.sandbox.allegro.offers import Offer
    from omnistock.sandbox.allegro.orders import CheckoutForm, LineItem

__all__ = [
    "checkout_form",
    "event_order",
    "general_report",
    "listing_offer",
    "money",
    "product_offer",
    "shipping_rates_set",
    "task",
    "timestamp",
]


def timestamp(moment: datetime | None) -> str | None:
    """``2018-10-12T10:12:32.321Z``."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def money(amount: Decimal, currency: str = "PLN") -> dict[str, str]:
    """``{"amount": "49.99", "currency": "PLN"}`` (amounts are strings)."""
    return {"amount": f"{amount:.2f}", "currency": currency}


def _compact(value: Any) -> Any:
    """Drop null fields (the spec marks them non-nullable; Allegro omits them), keep errors."""
    if isinstance(value, dict):
        return {k: (v if k == "errors" else _compact(v)) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = _compact(body)
    return cleaned


def _publication(offer: Offer) -> dict[str, Any]:
    body: dict[str, Any] = {"status": offer.status.value}
    if offer.started_at is not None:
        body["startedAt"] = timestamp(offer.started_at)
    if offer.ended_at is not None:
        body["endedAt"] = timestamp(offer.ended_at)
    return body


def product_offer(offer: Offer) -> dict[str, Any]:
    """``SaleProductOfferResponseV1`` (the fields the sandbox keeps, content included)."""
    publication = _publication(offer)
    publication.pop("endedAt", None)
    publication["endedBy"] = offer.ended_by
    return _clean(
        {
            "id": offer.id,
            "name": offer.name,
            "category": {"id": offer.category_id},
            "parameters": parameters_json(offer.parameters),
            **offer.content.to_json(),
            "sellingMode": {"format": "BUY_NOW", "price": money(offer.price, offer.currency)},
            "stock": {"available": offer.available, "unit": "UNIT"},
            "publication": publication,
            "external": {"id": offer.external_id} if offer.external_id else None,
            "language": "pl-PL",
            "createdAt": timestamp(offer.created_at),
            "updatedAt": timestamp(offer.updated_at),
        }
    )


def shipping_rates_set(rates: ShippingRatesSet) -> dict[str, Any]:
    """``GET /sale/shipping-rates/{id}``: ``ShippingRatesSet`` with ``type``/``dispatchCountry``
    (``dispatchCountry`` only for ``PHYSICAL`` sets, as the spec says)."""
    return _clean(
        {
            "id": rates.id,
            "name": rates.name,
            "type": rates.type,
            "dispatchCountry": rates.dispatch_country if rates.type == "PHYSICAL" else None,
            "features": {"managedByAllegro": False, "isFulfillment": False},
            "rates": [dict(r) for r in rates.rates],
            "lastModified": timestamp(rates.last_modified),
        }
    )


def listing_offer(offer: Offer) -> dict[str, Any]:
    """``OfferListingDto`` for ``GET /sale/offers``."""
    return _clean(
        {
            "id": offer.id,
            "name": offer.name,
            "category": {"id": offer.category_id},
            "primaryImage": None,
            "sellingMode": {"format": "BUY_NOW", "price": money(offer.price, offer.currency)},
            "saleInfo": {"currentPrice": None, "biddersCount": 0},
            "stock": {"available": offer.available, "sold": offer.sold},
            "stats": {"watchersCount": 0, "visitsCount": 0},
            "publication": _publication(offer),
            "external": {"id": offer.external_id} if offer.external_id else None,
        }
    )


def general_report(command: Command, *, registered: bool = False) -> dict[str, Any]:
    """``GeneralReport``; right after registration the counts are still zero, as on Allegro."""
    counts = {"total": 0, "success": 0, "failed": 0} if registered else command.counts()
    return {
        "id": command.id,
        "createdAt": timestamp(command.created_at),
        "completedAt": None if registered else timestamp(command.completed_at),
        "taskCount": counts,
    }


def task(item: Task, field: str) -> dict[str, Any]:
    """One ``CommandTask`` (with the ``scheduledAt``/``finishedAt`` real responses carry)."""
    return _clean(
        {
            "offer": {"id": item.offer_id},
            "field": field,
            "status": item.status.value,
            "message": item.message,
            "errors": item.errors,
            "scheduledAt": timestamp(item.scheduled_at),
            "finishedAt": timestamp(item.finished_at),
        }
    )


def _line_item(item: LineItem) -> dict[str, Any]:
    offer: dict[str, Any] = {"id": item.offer_id, "name": item.offer_name}
    if item.external_id:
        offer["external"] = {"id": item.external_id}
    return {
        "id": item.id,
        "offer": offer,
        "quantity": item.quantity,
        "originalPrice": money(item.price, item.currency),
        "price": money(item.price, item.currency),
        "boughtAt": timestamp(item.bought_at),
    }


def event_order(form: CheckoutForm, seller_id: str) -> dict[str, Any]:
    """``OrderEventData`` for ``form``."""
    buyer = form.buyer
    return {
        "seller": {"id": seller_id},
        "buyer": {
            "id": buyer.id,
            "email": buyer.email,
            "login": buyer.login,
            "guest": False,
            "preferences": {"language": "pl-PL"},
        },
        "lineItems": [_line_item(li) for li in form.line_items],
        "checkoutForm": {"id": form.id, "revision": form.revision},
        "marketplace": {"id": "allegro-pl"},
    }


def _buyer(form: CheckoutForm) -> dict[str, Any]:
    b = form.buyer
    return {
        "id": b.id,
        "email": b.email,
        "login": b.login,
        "firstName": b.first_name,
        "lastName": b.last_name,
        "companyName": form.company.name if form.company else None,
        "guest": False,
        "personalIdentity": None,
        "phoneNumber": b.phone,
        "preferences": {"language": "pl-PL"},
        "address": {
            "street": b.street,
            "city": b.city,
            "postCode": b.post_code,
            "countryCode": "PL",
        },
    }


def _delivery(form: CheckoutForm) -> dict[str, Any]:
    b = form.buyer
    return {
        "address": {
            "firstName": b.first_name,
            "lastName": b.last_name,
            "street": b.street,
            "city": b.city,
            "zipCode": b.post_code,
            "countryCode": "PL",
            "companyName": None,
            "phoneNumber": b.phone,
        },
        "method": {
            "id": "b20ef9e1-faa2-4f25-9455-f2a3b6b3e2a8",
            "name": "Allegro Paczkomaty InPost",
        },
        "cost": money(form.delivery_cost),
        "smart": False,
        "calculatedNumberOfPackages": 1,
    }


def _invoice(form: CheckoutForm) -> dict[str, Any]:
    if form.company is None:
        return {"required": False}
    b = form.buyer
    company = {
        "name": form.company.name,
        "ids": [{"type": "PL_NIP", "value": form.company.nip}],
        "vatPayerStatus": "ACTIVE",
        "taxId": form.company.nip,
    }
    address = {
        "street": b.street,
        "city": b.city,
        "zipCode": b.post_code,
        "countryCode": "PL",
        "company": company,
        "naturalPerson": None,
    }
    return {"required": True, "address": address, "dueDate": None}


def _payment(form: CheckoutForm) -> dict[str, Any]:
    body: dict[str, Any] = {"id": form.payment_id, "type": "ONLINE", "provider": "P24"}
    if form.paid_at is not None:
        body["finishedAt"] = timestamp(form.paid_at)
        body["paidAmount"] = money(form.total())
    return body


def checkout_form(form: CheckoutForm) -> dict[str, Any]:
    """``CheckoutForm``."""
    return _clean(
        {
            "id": form.id,
            "messageToSeller": form.message_to_seller,
            "buyer": _buyer(form),
            "payment": _payment(form),
            "status": form.status.value,
            "fulfillment": {
                "status": form.fulfillment_status,
                "shipmentSummary": {"lineItemsSent": "NONE"},
            },
            "delivery": _delivery(form),
            "invoice": _invoice(form),
            "lineItems": [_line_item(li) for li in form.line_items],
            "surcharges": [],
            "note": {"text": None},
            "marketplace": {"id": "allegro-pl"},
            "summary": {"totalToPay": money(form.total())},
            "updatedAt": timestamp(form.updated_at),
            "revision": form.revision,
        }
    )
