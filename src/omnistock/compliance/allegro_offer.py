"""Map Allegro's ``GET /sale/product-offers/{offerId}`` answer onto :class:`ListingContent`.

Shapes from ``SaleProductOfferResponseV1`` in the Allegro OpenAPI spec. Allegro returns image
URLs only, so image dimensions stay unknown. The offer names its shipping rate set by id; the
set's ``type``/``dispatchCountry`` come from ``/sale/shipping-rates`` (:func:`with_shipping_rates`).
In a product set every product must carry GPSR data: a field counts as given only when every
product has it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from omnistock.domain.compliance import (
    AfterSales,
    Gpsr,
    Image,
    ListingContent,
    Parameter,
    ShippingRates,
)
from omnistock.domain.errors import InvalidValue

__all__ = [
    "CONDITION_PARAMETER",
    "GTIN_PARAMETER",
    "from_allegro_offer",
    "looks_like_allegro_offer",
    "with_shipping_rates",
]

CONDITION_PARAMETER = ("11323", "stan", "condition")
GTIN_PARAMETER = ("225693", "ean (gtin)", "ean", "gtin")


def looks_like_allegro_offer(raw: Mapping[str, Any]) -> bool:
    return "productSet" in raw or "sellingMode" in raw


def _obj(raw: Any) -> Mapping[str, Any]:
    return raw if isinstance(raw, Mapping) else {}


def _list(raw: Any) -> Sequence[Any]:
    return raw if isinstance(raw, list) else []


def _str(raw: Any) -> str | None:
    return (
        str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) and raw != "" else None
    )


def _ref(raw: Any) -> str | None:
    """``{"id": …}`` or ``{"name": …}`` → the id, else the name."""
    ref = _obj(raw)
    return _str(ref.get("id")) or _str(ref.get("name"))


def _parameters(raw: Any) -> list[Parameter]:
    return [
        Parameter(
            id=_str(_obj(p).get("id")),
            name=_str(_obj(p).get("name")),
            values=tuple(v for v in (_str(x) for x in _list(_obj(p).get("values"))) if v),
        )
        for p in _list(raw)
    ]


def _first_value(parameters: Sequence[Parameter], keys: tuple[str, ...]) -> str | None:
    for parameter in parameters:
        if parameter.id in keys or (parameter.name or "").casefold() in keys:
            return parameter.values[0] if parameter.values else None
    return None


def _description(raw: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    sections: list[str] = []
    images: list[str] = []
    for section in _list(_obj(raw).get("sections")):
        texts = []
        for item in _list(_obj(section).get("items")):
            item = _obj(item)
            if item.get("type") == "IMAGE" and _str(item.get("url")):
                images.append(str(item["url"]))
            elif item.get("type") == "TEXT" and _str(item.get("content")):
                texts.append(str(item["content"]))
        if texts:
            sections.append("\n".join(texts))
    return tuple(sections), tuple(images)


def _all_given(values: Sequence[Any]) -> Any:
    """The first product's value when every product has one, else ``None``."""
    return values[0] if values and all(v not in (None, "", ()) for v in values) else None


def _gpsr(products: Sequence[Mapping[str, Any]]) -> Gpsr:
    safety = [_obj(p.get("safetyInformation")) for p in products]
    text = [_str(s.get("description")) if s.get("type") == "TEXT" else None for s in safety]
    attachments = [
        tuple(a for a in (_str(_obj(x).get("id")) for x in _list(s.get("attachments"))) if a)
        for s in safety
    ]
    given = [t or a for t, a in zip(text, attachments, strict=True)]
    types = [_str(s.get("type")) for s in safety]
    marketed = [p.get("marketedBeforeGPSRObligation") for p in products]
    complete = bool(products) and all(given)
    return Gpsr(
        responsible_producer=_all_given([_ref(p.get("responsibleProducer")) for p in products]),
        responsible_person=_all_given([_ref(p.get("responsiblePerson")) for p in products]),
        safety_type=next((t for t in types if t == "NO_SAFETY_INFORMATION"), _all_given(types)),
        safety_text=next((t for t in text if t), None) if complete else None,
        safety_attachments=next((a for a in attachments if a), ()) if complete else (),
        marketed_before_obligation=True
        if any(m is True for m in marketed)
        else _all_given(marketed),
    )


def _price(raw: Any) -> tuple[Decimal | None, str | None]:
    price = _obj(_obj(raw).get("price"))
    try:
        amount = Decimal(str(price["amount"])) if _str(price.get("amount")) else None
    except InvalidOperation:
        raise InvalidValue(
            f"not a number: {price.get('amount')!r}", field="sellingMode.price"
        ) from None
    return amount, _str(price.get("currency"))


def from_allegro_offer(raw: Mapping[str, Any]) -> ListingContent:
    """The listing content of one Allegro offer (``SaleProductOfferResponseV1``)."""
    offer = _str(raw.get("id"))
    if offer is None:
        raise InvalidValue("the offer has no id", field="id")
    products = [_obj(p) for p in _list(raw.get("productSet"))]
    product_parameters = [
        p
        for element in products
        for p in _parameters(_obj(element.get("product")).get("parameters"))
    ]
    parameters = _parameters(raw.get("parameters")) + product_parameters
    sections, description_images = _description(raw.get("description"))
    price, currency = _price(raw.get("sellingMode"))
    after = _obj(raw.get("afterSalesServices"))
    return ListingContent(
        offer=offer,
        channel="allegro",
        title=_str(raw.get("name")),
        description=sections,
        description_images=description_images,
        images=tuple(Image(url=u) for u in (_str(x) for x in _list(raw.get("images"))) if u),
        category=_str(_obj(raw.get("category")).get("id")),
        parameters=tuple(parameters),
        gtin=_first_value(parameters, GTIN_PARAMETER),
        condition=_first_value(parameters, CONDITION_PARAMETER),
        price=price,
        currency=currency,
        shipping=ShippingRates(
            id=_str(_obj(_obj(raw.get("delivery")).get("shippingRates")).get("id"))
        ),
        after_sales=AfterSales(
            return_policy=_ref(after.get("returnPolicy")),
            implied_warranty=_ref(after.get("impliedWarranty")),
            warranty=_ref(after.get("warranty")),
        ),
        gpsr=_gpsr(products),
    )


def with_shipping_rates(listing: ListingContent, rates: Mapping[str, Any]) -> ListingContent:
    """Add the shipping rate set's ``name``, ``type`` and ``dispatchCountry`` to the listing."""
    shipping = ShippingRates(
        id=_str(rates.get("id")) or listing.shipping.id,
        name=_str(rates.get("name")),
        type=_str(rates.get("type")),
        dispatch_country=_str(rates.get("dispatchCountry")),
    )
    return dataclasses.replace(listing, shipping=shipping)
