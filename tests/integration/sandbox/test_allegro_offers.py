"""Allegro sandbox offers: media types, listing with paging and filters, single-offer PATCH."""

from __future__ import annotations

import httpx
import pytest

from omnistock.sandbox.allegro.errors import MEDIA_TYPE as MEDIA


def _seed(env, *offers: dict) -> list[dict]:
    response = env.raw.post("/_sandbox/offers", json=list(offers))
    assert response.status_code == 201, response.text
    return response.json()


def _offer(name: str = "Kubek emaliowany Jeż 300 ml", **fields) -> dict:
    return {"name": name, "stock": 5, "price": "19.99", **fields}


def test_wrong_accept_gets_406_and_wrong_content_type_415(allegro_env) -> None:
    env = allegro_env()
    wrong = env.api.get("/sale/offers", headers={"Accept": "application/json"})
    assert wrong.status_code == 406
    assert wrong.json()["errors"][0]["message"] == (
        "Not acceptable representation requested. Please check 'Accept' request header"
    )
    offer = env.api.get("/sale/offers").json()["offers"][0]["id"]
    plain = env.api.patch(
        f"/sale/product-offers/{offer}",
        json={"stock": {"available": 3}},
        headers={"Content-Type": "application/json"},
    )
    assert plain.status_code == 415


def test_error_bodies_have_the_allegro_shape(allegro_env) -> None:
    env = allegro_env()
    missing = env.api.get("/sale/product-offers/123")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == MEDIA
    (error,) = missing.json()["errors"]
    assert set(error) == {"code", "message", "details", "path", "userMessage", "metadata"}
    assert env.api.get("/no/such/route").json()["errors"][0]["code"] == "NotFoundException"
    assert len(missing.headers["trace-id"]) == 32
    assert "trace-id" not in env.raw.get("/_sandbox/clock").headers


def test_demo_offers_are_seeded_unless_empty(allegro_env) -> None:
    assert allegro_env().api.get("/sale/offers").json()["totalCount"] == 5
    assert allegro_env(empty=True).api.get("/sale/offers").json()["totalCount"] == 0


def test_listing_pages_with_limit_and_offset(allegro_env) -> None:
    env = allegro_env(empty=True)
    _seed(env, *[_offer(f"Oferta testowa numer {n}", external_id=f"SKU-{n}") for n in range(7)])
    seen = []
    for offset in (0, 3, 6):
        page = env.api.get("/sale/offers", params={"limit": 3, "offset": offset}).json()
        assert page["totalCount"] == 7
        assert page["count"] == len(page["offers"])
        seen += [o["id"] for o in page["offers"]]
    assert len(set(seen)) == 7
    assert env.api.get("/sale/offers", params={"limit": 1001}).status_code == 400


def test_listing_filters_by_external_id_status_name_and_sorts(allegro_env) -> None:
    env = allegro_env(empty=True)
    _seed(
        env,
        _offer("Czerwony kubek z uchem", external_id="A", stock=3),
        _offer("Niebieski kubek z uchem", external_id="B", stock=9),
        _offer("Zielona miska do sałatki", external_id="C", status="ENDED", stock=0),
    )
    by_sku = env.api.get("/sale/offers", params=[("external.id", "A"), ("external.id", "C")])
    assert sorted(o["external"]["id"] for o in by_sku.json()["offers"]) == ["A", "C"]
    ended = env.api.get("/sale/offers", params={"publication.status": "ENDED"}).json()
    assert [o["external"]["id"] for o in ended["offers"]] == ["C"]
    named = env.api.get("/sale/offers", params={"name": "KUBEK"}).json()
    assert named["totalCount"] == 2
    by_stock = env.api.get("/sale/offers", params={"sort": "-stock.available"}).json()
    assert [o["stock"]["available"] for o in by_stock["offers"]] == [9, 3, 0]
    bad = env.api.get("/sale/offers", params={"publication.status": "SOLD"})
    assert (bad.status_code, bad.json()["errors"][0]["path"]) == (400, "publication.status")


def test_get_product_offer_shows_stock_price_status_and_external_id(allegro_env) -> None:
    env = allegro_env(empty=True)
    (seeded,) = _seed(env, _offer(id="12345678901", external_id="SKU-9", stock=4))
    offer = env.api.get("/sale/product-offers/12345678901").json()
    assert offer == seeded
    assert offer["stock"]["available"] == 4
    assert offer["sellingMode"]["price"] == {"amount": "19.99", "currency": "PLN"}
    assert offer["publication"]["status"] == "ACTIVE"
    assert offer["external"] == {"id": "SKU-9"}


def test_patch_stock_changes_the_offer(allegro_env) -> None:
    env = allegro_env(empty=True)
    (offer,) = _seed(env, _offer())
    edited = env.api.patch(f"/sale/product-offers/{offer['id']}", json={"stock": {"available": 7}})
    assert edited.status_code == 200
    assert edited.json()["stock"]["available"] == 7
    assert env.api.get(f"/sale/product-offers/{offer['id']}").json()["stock"]["available"] == 7


def test_patch_stock_zero_ends_the_offer_and_activate_needs_stock(allegro_env) -> None:
    env = allegro_env(empty=True)
    (offer,) = _seed(env, _offer())
    path = f"/sale/product-offers/{offer['id']}"
    ended = env.api.patch(path, json={"stock": {"available": 0}}).json()
    assert ended["publication"]["status"] == "ENDED"
    refused = env.api.patch(path, json={"publication": {"status": "ACTIVE"}})
    assert refused.status_code == 422
    both = env.api.patch(
        path, json={"stock": {"available": 2}, "publication": {"status": "ACTIVE"}}
    )
    assert both.json()["publication"]["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"stock": {"available": -1}}, "stock.available"),
        ({"stock": {"available": "5"}}, "stock.available"),
        (
            {"sellingMode": {"price": {"amount": "abc", "currency": "PLN"}}},
            "sellingMode.price.amount",
        ),
        ({"publication": {"status": "SOLD"}}, "publication.status"),
    ],
)
def test_patch_rejects_bad_values_naming_the_path(allegro_env, body: dict, path: str) -> None:
    env = allegro_env()
    offer = env.api.get("/sale/offers").json()["offers"][0]
    response = env.api.patch(f"/sale/product-offers/{offer['id']}", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == path
    after = env.api.get(f"/sale/product-offers/{offer['id']}").json()
    assert after["stock"]["available"] == offer["stock"]["available"]


def test_patch_malformed_json_is_a_400(allegro_env) -> None:
    env = allegro_env()
    offer = env.api.get("/sale/offers").json()["offers"][0]["id"]
    response = env.api.patch(f"/sale/product-offers/{offer}", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "BadRequestException"


def test_patch_is_asynchronous_with_a_delay(allegro_env) -> None:
    env = allegro_env(empty=True, faults={"async_delay_seconds": 30})
    (offer,) = _seed(env, _offer(stock=5))
    path = f"/sale/product-offers/{offer['id']}"
    accepted = env.api.patch(path, json={"stock": {"available": 0}})
    assert accepted.status_code == 202
    assert accepted.headers["retry-after"] == "30"
    location = accepted.headers["location"]
    assert location.startswith(f"{path}/operations/")
    busy = env.api.patch(path, json={"stock": {"available": 3}})
    assert busy.status_code == 409
    status = env.api.get(location)
    assert status.status_code == 202
    assert status.json()["operation"]["status"] == "IN_PROGRESS"
    assert env.api.get(path).json()["stock"]["available"] == 5
    env.sandbox.clock.advance(30)
    done = env.api.get(location, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == path
    final = env.api.get(path).json()
    assert (final["stock"]["available"], final["publication"]["status"]) == (0, "ENDED")


def test_unknown_operation_is_404(allegro_env) -> None:
    env = allegro_env()
    offer = env.api.get("/sale/offers").json()["offers"][0]["id"]
    assert env.api.get(f"/sale/product-offers/{offer}/operations/nope").status_code == 404


def test_admin_seed_rejects_bad_offers_naming_the_field(allegro_env) -> None:
    env = allegro_env()
    bad = env.raw.post("/_sandbox/offers", json=[_offer(stock=-1)])
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "stock"
    dup = env.raw.post("/_sandbox/offers", json=[_offer(id="1"), _offer(id="1")])
    assert dup.status_code == 409
    assert env.api.get("/sale/offers").json()["totalCount"] == 5


def test_admin_quantities_follow_changes(allegro_env) -> None:
    env = allegro_env(empty=True)
    (offer,) = _seed(env, _offer(external_id="Q-1", stock=8))
    env.api.patch(f"/sale/product-offers/{offer['id']}", json={"stock": {"available": 6}})
    quantities = env.raw.get("/_sandbox/offers/quantities").json()
    assert quantities == [
        {"id": offer["id"], "external_id": "Q-1", "available": 6, "sold": 0, "status": "ACTIVE"}
    ]


def test_reset_restores_the_demo_state(allegro_env) -> None:
    env = allegro_env()
    offer = env.api.get("/sale/offers").json()["offers"][0]["id"]
    env.api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": 0}})
    assert env.raw.post("/_sandbox/reset").status_code == 204
    assert env.api.get("/sale/offers").status_code == 401  # tokens are gone too
    fresh = env.token()
    headers = {"Authorization": f"Bearer {fresh['access_token']}", "Accept": MEDIA}
    offers = httpx.get(f"{env.url}/sale/offers", headers=headers).json()["offers"]
    assert all(o["publication"]["status"] == "ACTIVE" for o in offers)
