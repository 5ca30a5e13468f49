"""Spec conformance: every implemented Allegro endpoint, requests and responses checked against
the official ``reference/allegro/openapi.yaml`` with openapi-core."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.openapi.utils import get_openapi
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from werkzeug.datastructures import ImmutableMultiDict

from omnistock.sandbox.allegro.errors import MEDIA_TYPE as MEDIA

SPEC = Path(__file__).resolve().parents[4] / "shared" / "reference" / "allegro" / "openapi.yaml"

pytestmark = [
    pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning"),
    pytest.mark.skipif(not SPEC.exists(), reason=f"official spec not found at {SPEC}"),
]


@pytest.fixture(scope="module")
def raw_spec() -> dict:
    return yaml.load(SPEC.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@pytest.fixture(scope="module")
def spec(raw_spec: dict) -> OpenAPI:
    config = Config(spec_validator_cls=None, extra_media_type_deserializers={MEDIA: json.loads})
    return OpenAPI.from_dict(raw_spec, config=config)


def _implemented(app) -> set[tuple[str, str]]:
    paths = get_openapi(title="allegro", version="1", routes=app.routes)["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if not path.startswith(("/_sandbox", "/auth/"))
        for method in operations
    }


def _template(path: str, templates: set[str]) -> str | None:
    for template in templates:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return template
    return None


def _problems(spec: OpenAPI, response: httpx.Response) -> list[str]:
    request = response.request
    mock_request = MockRequest(
        "https://api.allegro.pl",
        request.method,
        request.url.path,
        args=ImmutableMultiDict(list(request.url.params.multi_items())),
        headers=dict(request.headers),
        data=request.content or None,
        content_type=request.headers.get("content-type", MEDIA),
    )
    mock_response = MockResponse(
        response.content,
        response.status_code,
        headers=dict(response.headers),
        content_type=response.headers.get("content-type", MEDIA),
    )
    # Requests the sandbox rejected were wrong on purpose; an accepted one must be valid.
    errors = [*spec.iter_request_errors(mock_request)] if response.is_success else []
    errors += [*spec.iter_response_errors(mock_request, mock_response)]
    where = f"{request.method} {request.url.path} → {response.status_code}"
    return [f"{where}: {e!r} {getattr(e.__cause__, 'schema_errors', '')}" for e in errors]


def _walk(env) -> list[httpx.Response]:
    """Call every implemented endpoint: successes and the documented error answers."""
    api, calls = env.api, []
    offer = env.raw.post(
        "/_sandbox/offers",
        json=[{"name": "Lampka nocna Sowa", "stock": 9, "price": "89.00", "external_id": "L-1"}],
    ).json()[0]["id"]
    calls += [
        api.get("/sale/offers", params=[("limit", 2), ("publication.status", "ACTIVE")]),
        api.get("/sale/offers", params={"external.id": "L-1", "sort": "-stock.available"}),
        api.get(f"/sale/product-offers/{offer}"),
        api.get("/sale/product-offers/404404"),
        api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": 8}}),
        api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": -2}}),
    ]
    calls += _commands(env, offer)
    env.raw.put("/_sandbox/faults", json={"async_delay_seconds": 10})
    accepted = api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": 4}})
    busy = api.patch(f"/sale/product-offers/{offer}", json={"name": "Lampka nocna Sowa biała"})
    calls += [accepted, busy]
    calls.append(api.get(accepted.headers["location"]))
    env.sandbox.clock.advance(10)
    calls.append(api.get(accepted.headers["location"], follow_redirects=False))
    env.raw.put("/_sandbox/faults", json={})
    calls += _orders(env, offer)
    calls += _parameters(env)
    calls += _content(env)
    return calls


def _content(env) -> list[httpx.Response]:
    """An offer with images, description, parameters, GPSR data and its shipping rate set."""
    rates = env.raw.post(
        "/_sandbox/shipping-rates",
        json=[{"name": "Kurier", "type": "PHYSICAL", "dispatch_country": "PL"}],
    ).json()[0]["id"]
    seed = {
        "name": "Kubek emaliowany Jeż 300 ml", "stock": 2, "price": "29.99",
        "parameters": {"11323": ["Nowy"]}, "images": ["https://a.allegroimg.com/s1024/1.jpg"],
        "description": [[{"type": "TEXT", "content": "<p>Kubek</p>"},
                         {"type": "IMAGE", "url": "https://a.allegroimg.com/s1024/2.jpg"}]],
        "products": [{"id": "c9e39cae-9cb6-11e9-a2a3-2a2ae2dbcce4",
                      "parameters": {"225693": ["5901234123457"]},
                      "responsible_producer": "33960380-98fe-4b3d-b69e-b261526f2730",
                      "responsible_person": "570c928f-39ac-4838-93bb-eb829bc2136f",
                      "safety": {"type": "TEXT", "description": "Nie dla dzieci."},
                      "marketed_before_gpsr": False}],
        "shipping_rates_id": rates, "handling_time": "PT24H", "return_policy": str(uuid.uuid4()),
        "implied_warranty": str(uuid.uuid4()), "warranty": str(uuid.uuid4()),
    }  # fmt: skip
    offer = env.raw.post("/_sandbox/offers", json=[seed]).json()[0]["id"]
    return [
        env.api.get(f"/sale/product-offers/{offer}"),
        env.api.get(f"/sale/shipping-rates/{rates}"),
        env.api.get("/sale/shipping-rates/missing"),
    ]


def _parameters(env) -> list[httpx.Response]:
    soon = (env.sandbox.clock.now() + timedelta(days=5)).isoformat()
    env.raw.post(
        "/_sandbox/category-parameters",
        json=[
            {"category_id": "257931", "parameter_id": "11323"},
            {"category_id": "257931", "parameter_id": "224017", "required_from": soon},
        ],
    )
    return [
        env.api.get("/sale/offers/unfilled-parameters"),
        env.api.get("/sale/offers/unfilled-parameters", params={"parameterType": "REQUIRED"}),
        env.api.get("/sale/category-parameters-scheduled-changes", params={"limit": 10}),
    ]


def _commands(env, offer: str) -> list[httpx.Response]:
    api, calls = env.api, []
    criteria = [{"type": "CONTAINS_OFFERS", "offers": [{"id": offer}]}]
    bodies = {
        "/sale/offer-quantity-change-commands": {
            "modification": {"changeType": "GAIN", "value": 2},
            "offerCriteria": criteria,
        },
        "/sale/offer-publication-commands": {
            "publication": {"action": "ACTIVATE"},
            "offerCriteria": criteria,
        },
    }
    for base, body in bodies.items():
        command = str(uuid.uuid4())
        calls += [
            api.put(f"{base}/{command}", json=body),
            api.put(f"{base}/{command}", json=body),
            api.get(f"{base}/{command}"),
            api.get(f"{base}/{command}/tasks", params={"limit": 10, "offset": 0}),
            api.get(f"{base}/{uuid.uuid4()}"),
        ]
    return calls


def _orders(env, offer: str) -> list[httpx.Response]:
    api = env.api
    first = env.raw.post(
        "/_sandbox/orders",
        json={"lines": [{"offer_id": offer, "quantity": 2}], "invoice": {"nip": "5260250274"}},
    ).json()
    env.raw.post("/_sandbox/orders", json={"lines": [{"offer_id": offer, "quantity": 1}]})
    return [
        api.get("/order/events", params={"limit": 50}),
        api.get("/order/events", params=[("type", "BOUGHT"), ("type", "READY_FOR_PROCESSING")]),
        api.get("/order/event-stats"),
        api.get("/sale/offer-events", params=[("limit", 20), ("type", "OFFER_STOCK_CHANGED")]),
        api.get("/sale/offer-events"),
        api.get("/order/checkout-forms", params={"updatedAt.gte": "2020-01-01T00:00:00Z"}),
        api.get("/order/checkout-forms", params={"status": "READY_FOR_PROCESSING", "limit": 1}),
        api.get(f"/order/checkout-forms/{first['id']}"),
        api.get(f"/order/checkout-forms/{uuid.uuid4()}"),
    ]


def test_every_implemented_endpoint_conforms_to_the_official_spec(
    allegro_env, spec, raw_spec
) -> None:
    env = allegro_env()
    implemented = _implemented(env.app)
    assert {path for _, path in implemented} <= set(raw_spec["paths"])
    responses = _walk(env)
    templates = {path for _, path in implemented}
    walked = {(r.request.method, _template(r.request.url.path, templates)) for r in responses}
    assert implemented - walked == set()  # a new endpoint must be added to the walk
    assert {r.status_code for r in responses} >= {200, 201, 202, 303, 404, 409, 422}
    problems = [p for response in responses for p in _problems(spec, response)]
    assert problems == []
