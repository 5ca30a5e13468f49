"""The Allegro reader adds each offer's shipping rate set (read once per set) to its content."""

from __future__ import annotations

import httpx
import pytest

from omnistock.channels.base import TransientChannelError
from omnistock.channels.http import HttpSettings
from omnistock.compliance.allegro_reader import AllegroOfferReader

OFFER = {
    "id": "1",
    "name": "Kubek emaliowany Jeż 300 ml",
    "sellingMode": {"price": {"amount": "10.00", "currency": "PLN"}},
    "delivery": {"shippingRates": {"id": "set-1"}},
}


def _reader(handler) -> AllegroOfferReader:
    settings = HttpSettings(transport=httpx.MockTransport(handler))
    return AllegroOfferReader("https://api.allegro.test", "t", settings=settings)


def test_shipping_rate_set_is_read_once_and_added() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        assert request.headers["authorization"] == "Bearer t"
        if request.url.path.startswith("/sale/product-offers/"):
            return httpx.Response(200, json={**OFFER, "id": request.url.path.rsplit("/", 1)[1]})
        set_json = {
            "id": "set-1",
            "name": "Mój cennik",
            "type": "PHYSICAL",
            "dispatchCountry": "PL",
        }
        return httpx.Response(200, json=set_json)

    with _reader(handler) as reader:
        first, second = reader.read_many(["1", "2"])
    assert (first.shipping.type, first.shipping.dispatch_country) == ("PHYSICAL", "PL")
    assert second.shipping.name == "Mój cennik"
    assert calls.count("/sale/shipping-rates/set-1") == 1


def test_unknown_rate_set_leaves_fields_empty_and_5xx_is_an_error() -> None:
    def missing(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/sale/product-offers/"):
            return httpx.Response(200, json=OFFER)
        return httpx.Response(404, json={"errors": [{"code": "NotFoundException"}]})

    with _reader(missing) as reader:
        listing = reader.read("1")
    assert listing.shipping.id == "set-1"
    assert listing.shipping.type is None

    def broken(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/sale/product-offers/"):
            return httpx.Response(200, json=OFFER)
        return httpx.Response(503)

    with _reader(broken) as reader, pytest.raises(TransientChannelError):
        reader.read("1")
