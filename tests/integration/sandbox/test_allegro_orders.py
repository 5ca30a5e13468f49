"""Allegro sandbox orders: buyers' purchases, checkout forms, the event journal, merges."""

from __future__ import annotations

from datetime import datetime

import pytest

NAME = "Poduszka lniana Bocian"


def _offer(env, stock: int = 5, sku: str = "SKU-1") -> str:
    body = [
        {"name": "Poduszka lniana Bocian", "stock": stock, "price": "45.00", "external_id": sku}
    ]
    return env.raw.post("/_sandbox/offers", json=body).json()[0]["id"]


def _buy(env, offer_id: str, quantity: int = 1, **extra) -> dict:
    body = {"lines": [{"offer_id": offer_id, "quantity": quantity}], **extra}
    response = env.raw.post("/_sandbox/orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _events(env, **params) -> list[dict]:
    response = env.api.get("/order/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def test_purchase_decrements_stock_and_emits_three_events(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=5)
    form = _buy(env, offer, 2)
    listed = env.api.get("/sale/offers").json()["offers"][0]
    assert listed["stock"] == {"available": 3, "sold": 2}
    events = _events(env)
    assert [e["type"] for e in events] == ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING"]
    assert [int(e["id"]) for e in events] == sorted(int(e["id"]) for e in events)
    line = events[0]["order"]["lineItems"][0]
    assert line["offer"] == {
        "id": offer,
        "name": "Poduszka lniana Bocian",
        "external": {"id": "SKU-1"},
    }
    assert line["quantity"] == 2
    assert events[2]["order"]["checkoutForm"]["id"] == form["id"]


def test_buying_the_last_unit_ends_the_offer(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=1)
    _buy(env, offer)
    publication = env.api.get(f"/sale/product-offers/{offer}").json()["publication"]
    assert (publication["status"], publication["endedBy"]) == ("ENDED", "EMPTY_STOCK")
    refused = env.raw.post("/_sandbox/orders", json={"lines": [{"offer_id": offer, "quantity": 1}]})
    assert refused.status_code == 409


def test_cannot_buy_more_than_available_and_nothing_changes(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer, other = _offer(env, stock=2), _offer(env, stock=2, sku="SKU-2")
    body = {"lines": [{"offer_id": other, "quantity": 1}, {"offer_id": offer, "quantity": 3}]}
    assert env.raw.post("/_sandbox/orders", json=body).status_code == 409
    assert _events(env) == []
    stocks = {q["id"]: q["available"] for q in env.raw.get("/_sandbox/offers/quantities").json()}
    assert stocks == {offer: 2, other: 2}


def test_checkout_form_carries_buyer_delivery_and_invoice_nip(allegro_env) -> None:
    env = allegro_env(empty=True)
    form = _buy(env, _offer(env), invoice={"nip": "526-025-02-74", "company_name": "Firma Wrzos"})
    fetched = env.api.get(f"/order/checkout-forms/{form['id']}").json()
    assert fetched == form
    assert fetched["status"] == "READY_FOR_PROCESSING"
    company = fetched["invoice"]["address"]["company"]
    assert company["ids"] == [{"type": "PL_NIP", "value": "5260250274"}]
    assert fetched["buyer"]["email"].endswith("@allegromail.pl")
    assert fetched["delivery"]["address"]["countryCode"] == "PL"
    assert fetched["summary"]["totalToPay"] == {"amount": "54.99", "currency": "PLN"}
    assert fetched["payment"]["paidAmount"] == fetched["summary"]["totalToPay"]
    bad = env.raw.post(
        "/_sandbox/orders",
        json={
            "lines": [{"offer_id": form["lineItems"][0]["offer"]["id"], "quantity": 1}],
            "invoice": {"nip": "1234567890"},
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "nip"


def test_unpaid_purchase_then_payment(allegro_env) -> None:
    env = allegro_env(empty=True)
    form = _buy(env, _offer(env), stage="BOUGHT")
    assert form["status"] == "BOUGHT"
    assert "paidAmount" not in form["payment"]
    paid = env.raw.post(f"/_sandbox/orders/{form['id']}/pay").json()
    assert paid["status"] == "READY_FOR_PROCESSING"
    assert [e["type"] for e in _events(env)] == ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING"]


def test_events_cursor_type_filter_limit_and_stats(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=10)
    for _ in range(3):
        _buy(env, offer)
    every = _events(env)
    assert len(every) == 9
    after = _events(env, **{"from": every[4]["id"]})
    assert [e["id"] for e in after] == [e["id"] for e in every[5:]]
    ready = _events(env, type="READY_FOR_PROCESSING", limit=2)
    assert [e["type"] for e in ready] == ["READY_FOR_PROCESSING"] * 2
    stats = env.api.get("/order/event-stats").json()["latestEvent"]
    assert stats["id"] == every[-1]["id"]
    for bad in ({"limit": 1001}, {"limit": 0}, {"type": "SHIPPED"}, {"from": "abc"}):
        assert env.api.get("/order/events", params=bad).status_code == 422


def test_event_stats_before_any_event(allegro_env) -> None:
    env = allegro_env(empty=True)
    assert env.api.get("/order/event-stats").json()["latestEvent"]["id"] == "0"


def test_events_expire_after_sixty_days(allegro_env) -> None:
    env = allegro_env(empty=True)
    _buy(env, _offer(env))
    env.sandbox.clock.advance(61 * 24 * 3600)
    env.reauth()
    assert _events(env) == []


def test_cancel_emits_an_event_and_returns_stock(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=3)
    form = _buy(env, offer, 2)
    cancelled = env.raw.post(f"/_sandbox/orders/{form['id']}/cancel", json={"auto": False})
    assert cancelled.json()["status"] == "CANCELLED"
    assert _events(env)[-1]["type"] == "BUYER_CANCELLED"
    assert env.api.get(f"/sale/product-offers/{offer}").json()["stock"]["available"] == 3
    again = env.raw.post(f"/_sandbox/orders/{form['id']}/cancel")
    assert again.status_code == 409
    auto = _buy(env, offer, 1)
    env.raw.post(f"/_sandbox/orders/{auto['id']}/cancel", json={"auto": True, "restock": False})
    assert _events(env)[-1]["type"] == "AUTO_CANCELLED"
    assert env.api.get(f"/sale/product-offers/{offer}").json()["stock"]["available"] == 2


def test_merged_purchases_get_a_new_form_and_old_ids_404(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=10)
    buyer = {"login": "kup_1234"}
    first = _buy(env, offer, stage="BOUGHT", buyer=buyer)
    second = _buy(env, offer, 2, stage="BOUGHT", buyer=buyer)
    merged = env.raw.post(
        "/_sandbox/orders/merge", json={"checkout_form_ids": [first["id"], second["id"]]}
    )
    assert merged.status_code == 201, merged.text
    form = merged.json()
    assert form["id"] not in (first["id"], second["id"])
    assert {li["id"] for li in form["lineItems"]} == {
        first["lineItems"][0]["id"],
        second["lineItems"][0]["id"],
    }
    gone = env.api.get(f"/order/checkout-forms/{first['id']}")
    assert (gone.status_code, gone.json()["errors"][0]["code"]) == (
        404,
        "CheckoutFormNotFoundException",
    )
    ready = _events(env, type="READY_FOR_PROCESSING")
    assert [e["order"]["checkoutForm"]["id"] for e in ready] == [form["id"]]


def test_checkout_form_list_filters_and_pages(allegro_env) -> None:
    env = allegro_env(empty=True)
    offer = _offer(env, stock=20)
    old = _buy(env, offer)
    env.sandbox.clock.advance(3600)
    since = env.sandbox.clock.now().isoformat()
    new = [_buy(env, offer), _buy(env, offer, stage="BOUGHT")]
    recent = env.api.get("/order/checkout-forms", params={"updatedAt.gte": since}).json()
    assert {f["id"] for f in recent["checkoutForms"]} == {f["id"] for f in new}
    assert old["id"] not in {f["id"] for f in recent["checkoutForms"]}
    unpaid = env.api.get("/order/checkout-forms", params={"status": "BOUGHT"}).json()
    assert [f["id"] for f in unpaid["checkoutForms"]] == [new[1]["id"]]
    page = env.api.get("/order/checkout-forms", params={"limit": 1, "offset": 1}).json()
    assert (page["count"], page["totalCount"]) == (1, 3)
    oldest = env.api.get("/order/checkout-forms", params={"sort": "updatedAt"}).json()
    assert oldest["checkoutForms"][0]["id"] == old["id"]
    assert env.api.get("/order/checkout-forms", params={"limit": 101}).status_code == 422
    assert env.api.get("/order/checkout-forms/not-a-uuid").status_code == 422


@pytest.mark.parametrize("reorder", [False, True])
def test_events_are_duplicated_and_reordered_under_faults(allegro_env, reorder: bool) -> None:
    env = allegro_env(empty=True, seed=5)
    offer = _offer(env, stock=50)
    for _ in range(10):
        _buy(env, offer)
    clean = _events(env)
    env.raw.put("/_sandbox/faults", json={"duplicate_event_rate": 0.3, "reorder_events": reorder})
    faulty = _events(env)
    assert {e["id"] for e in faulty} == {e["id"] for e in clean}
    assert len(faulty) > len(clean)
    ids = [int(e["id"]) for e in faulty]
    assert (ids != sorted(ids)) is reorder
    limited = _events(env, limit=5)
    assert len(limited) <= 5
    assert {e["id"] for e in limited} == {e["id"] for e in clean[:5]}


def test_event_timestamps_are_utc_with_milliseconds(allegro_env) -> None:
    env = allegro_env(empty=True)
    _buy(env, _offer(env))
    stamp = _events(env)[0]["occurredAt"]
    assert stamp.endswith("Z")
    assert len(stamp.split(".")[1]) == 4  # three digits and the Z
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")).utcoffset().total_seconds() == 0
