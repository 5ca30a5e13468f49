"""Allegro sandbox offer events: signals for stock, price, status and other changes."""

from __future__ import annotations

import uuid


def _offer(env, **fields) -> str:
    body = {"name": "Dzbanek szklany Czapla", "stock": 3, "price": "49.00", "external_id": "DZB-1"}
    return env.raw.post("/_sandbox/offers", json=[{**body, **fields}]).json()[0]["id"]


def _events(env, **params) -> list[dict]:
    response = env.api.get("/sale/offer-events", params=params)
    assert response.status_code == 200, response.text
    return response.json()["offerEvents"]


def test_stock_price_and_other_changes_emit_events_without_values(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env)
    path = f"/sale/product-offers/{offer}"
    env.api.patch(path, json={"stock": {"available": 5}})
    env.api.patch(path, json={"sellingMode": {"price": {"amount": "45.00", "currency": "PLN"}}})
    env.api.patch(path, json={"name": "Dzbanek szklany Czapla 1 l"})
    events = _events(env)
    assert [e["type"] for e in events] == [
        "OFFER_STOCK_CHANGED",
        "OFFER_PRICE_CHANGED",
        "OFFER_CHANGED",
    ]
    assert events[0]["offer"] == {"id": offer, "external": {"id": "DZB-1"}}  # no quantity
    assert events[1]["offer"]["marketplaces"] == [{"id": "allegro-pl", "changeType": "MANUAL"}]
    env.api.patch(path, json={"stock": {"available": 5}})
    assert len(_events(env)) == 3  # an unchanged value is no event


def test_ending_and_activating(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=1)
    env.raw.post("/_sandbox/orders", json={"lines": [{"offer_id": offer, "quantity": 1}]})
    ended = _events(env)
    assert [e["type"] for e in ended] == ["OFFER_STOCK_CHANGED", "OFFER_ENDED"]
    assert ended[1]["offer"]["publication"] == {"endedBy": "EMPTY_STOCK"}
    path = f"/sale/product-offers/{offer}"
    env.api.patch(path, json={"stock": {"available": 4}})  # an ended offer: no event
    criteria = [{"type": "CONTAINS_OFFERS", "offers": [{"id": offer}]}]
    body = {"publication": {"action": "ACTIVATE"}, "offerCriteria": criteria}
    env.api.put(f"/sale/offer-publication-commands/{uuid.uuid4()}", json=body)
    assert _events(env, type="OFFER_ACTIVATED")[0]["offer"]["id"] == offer
    assert len(_events(env)) == 3


def test_inactive_offers_produce_no_events(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, status="INACTIVE")
    env.api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": 9}})
    assert _events(env) == []


def test_cursor_limit_type_and_retention(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=50)
    for quantity in range(10, 16):
        env.api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": quantity}})
    every = _events(env)
    assert len(every) == 6
    assert len({e["id"] for e in every}) == 6
    assert [e["id"] for e in _events(env, **{"from": every[3]["id"]})] == [
        e["id"] for e in every[4:]
    ]
    assert len(_events(env, limit=2)) == 2
    assert _events(env, type="OFFER_ENDED") == []
    assert env.api.get("/sale/offer-events", params={"from": "!!"}).status_code == 400
    assert env.api.get("/sale/offer-events", params={"type": "NOPE"}).status_code == 400
    env.sandbox.clock.advance(24 * 3600 + 1)
    env.reauth()
    assert _events(env) == []


def test_offer_events_are_duplicated_under_faults(allegro_env) -> None:
    env = allegro_env(empty=True, seed=9)
    offer = _offer(env, stock=50)
    for quantity in range(10, 20):
        env.api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": quantity}})
    env.raw.put("/_sandbox/faults", json={"duplicate_event_rate": 0.5})
    events = _events(env)
    assert len(events) > 10
    assert len({e["id"] for e in events}) == 10
