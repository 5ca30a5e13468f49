"""Malformed requests get Allegro's own error answers, never a crash (no 500)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnistock.sandbox.allegro import create_app
from omnistock.sandbox.allegro.errors import MEDIA_TYPE as MEDIA
from omnistock.sandbox.common import SandboxOptions, SandboxServer

KEYS = [
    "modification", "offerCriteria", "changeType", "value", "offers", "id", "type",
    "publication", "action", "scheduledFor", "stock", "available", "sellingMode", "price",
    "amount", "currency", "parameters", "values", "valuesIds", "name", "external",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.sampled_from(["FIXED", "GAIN", "END", "ACTIVATE", "CONTAINS_OFFERS", "", "1.5"])
    | st.text(max_size=6)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=10,
)
ANSWERS = {200, 201, 202, 400, 404, 409, 422}


@pytest.fixture(scope="module")
def api(device_token) -> Iterator[tuple[httpx.Client, str]]:
    """One sandbox for every example: an authorised client and an offer id."""
    app = create_app(SandboxOptions())
    with SandboxServer(app) as server:
        with httpx.Client(base_url=server.url, auth=("omnistock-sandbox",) * 2) as raw:
            token = device_token(raw, app.state.sandbox)["access_token"]
            offer = raw.get("/_sandbox/offers/quantities").json()[0]["id"]
        headers = {"Authorization": f"Bearer {token}", "Accept": MEDIA, "Content-Type": MEDIA}
        with httpx.Client(base_url=server.url, headers=headers) as client:
            yield client, offer


def _check(response: httpx.Response) -> None:
    assert response.status_code in ANSWERS, response.text
    if response.status_code >= 400:
        (error,) = response.json()["errors"]
        assert set(error) == {"code", "message", "details", "path", "userMessage", "metadata"}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=JSON, target=st.sampled_from(["quantity-change", "publication", "patch"]))
def test_random_bodies_never_crash_the_sandbox(api, body, target: str) -> None:
    client, offer = api
    content = json.dumps(body)
    if target == "patch":
        _check(client.patch(f"/sale/product-offers/{offer}", content=content))
    else:
        _check(client.put(f"/sale/offer-{target}-commands/{uuid.uuid4()}", content=content))


@pytest.mark.parametrize(
    "path",
    [
        "/sale/offers?limit=x&offset=-1",
        "/sale/offers?sellingMode.price.amount.gte=abc",
        "/order/events?from=1e5",
        "/order/checkout-forms?updatedAt.gte=yesterday",
        "/order/checkout-forms?sort=price",
        "/sale/offer-events?from=%FF%FE",
        "/sale/offer-quantity-change-commands/not-a-uuid/tasks?limit=abc",
    ],
)
def test_bad_query_strings_get_4xx_error_bodies(api, path: str) -> None:
    client, _ = api
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert response.json()["errors"][0]["code"]


def test_non_utf8_body_is_a_400(api) -> None:
    client, offer = api
    response = client.patch(f"/sale/product-offers/{offer}", content=b"\xff\xfe{")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"stock": 5}, "stock"),
        ({"sellingMode": {"price": {"amount": "NaN"}}}, "sellingMode.price.amount"),
        ({"sellingMode": {"price": {"amount": "Infinity"}}}, "sellingMode.price.amount"),
        ({"sellingMode": {"price": {"amount": "1e400"}}}, "sellingMode.price.amount"),
        ({"sellingMode": {"price": {"amount": "9.999"}}}, "sellingMode.price.amount"),
        (
            {"sellingMode": {"price": {"amount": "5", "currency": None}}},
            "sellingMode.price.currency",
        ),
        ({"external": {"id": 5}}, "external.id"),
        ({"parameters": [{"id": "1", "values": 5}]}, "parameters[0]"),
        ({"parameters": "x"}, "parameters"),
    ],
)
def test_patch_type_errors_name_the_path(api, body: dict, path: str) -> None:
    client, offer = api
    response = client.patch(f"/sale/product-offers/{offer}", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == path
