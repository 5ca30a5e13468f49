"""Allegro sandbox limits: per Client ID with an extending block, command budgets, PATCH bucket."""

from __future__ import annotations

import time
import uuid

from omnistock.sandbox.allegro import AllegroLimits

QTY = "/sale/offer-quantity-change-commands"


def _quantity(env, ids: list[str]):
    body = {
        "modification": {"changeType": "GAIN", "value": 1},
        "offerCriteria": [{"type": "CONTAINS_OFFERS", "offers": [{"id": i} for i in ids]}],
    }
    return env.api.put(f"{QTY}/{uuid.uuid4()}", json=body)


def test_client_limit_answers_429_and_the_block_extends_while_called(allegro_env) -> None:
    env = allegro_env(limits=AllegroLimits(client_requests_per_minute=5))
    assert [env.api.get("/order/event-stats").status_code for _ in range(5)] == [200] * 5
    blocked = env.api.get("/order/event-stats")
    assert blocked.status_code == 429
    assert blocked.json()["errors"][0]["code"] == "TooManyRequestsException"
    assert "retry-after" not in blocked.headers
    env.sandbox.clock.advance(40)
    assert env.api.get("/order/event-stats").status_code == 429  # calling extends the block
    env.sandbox.clock.advance(40)
    assert env.api.get("/order/event-stats").status_code == 429  # 80 s after the first 429
    env.sandbox.clock.advance(60)
    assert env.api.get("/order/event-stats").status_code == 200


def test_limits_can_change_at_run_time(allegro_env) -> None:
    env = allegro_env()
    put = env.raw.put("/_sandbox/limits", json={"client_requests_per_minute": 2})
    assert put.status_code == 200
    assert [env.api.get("/order/event-stats").status_code for _ in range(3)] == [200, 200, 429]
    assert env.raw.get("/_sandbox/limits").json()["client_requests_per_minute"] == 2
    bad = env.raw.put("/_sandbox/limits", json={"patch_per_minute": 0})
    assert bad.status_code == 422
    env.raw.post("/_sandbox/reset")
    assert env.raw.get("/_sandbox/limits").json()["client_requests_per_minute"] == 9000


def test_command_budget_counts_offer_changes_per_minute(allegro_env) -> None:
    env = allegro_env(limits=AllegroLimits(command_changes_per_minute=10))
    ids = [o["id"] for o in env.api.get("/sale/offers").json()["offers"]]
    assert _quantity(env, ids).status_code == 201  # 5 changes
    assert _quantity(env, ids).status_code == 201  # 10 changes
    refused = _quantity(env, ids[:1])
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["code"] == "TooManyRequestsException"
    env.sandbox.clock.advance(60)
    assert _quantity(env, ids).status_code == 201


def test_command_budget_per_hour(allegro_env) -> None:
    limits = AllegroLimits(command_changes_per_minute=5, command_changes_per_hour=10)
    env = allegro_env(limits=limits)
    ids = [o["id"] for o in env.api.get("/sale/offers").json()["offers"]]
    statuses = []
    for _ in range(3):
        statuses.append(_quantity(env, ids).status_code)
        env.sandbox.clock.advance(61)
    assert statuses == [201, 201, 429]
    env.sandbox.clock.advance(3600)
    env.reauth()
    assert _quantity(env, ids).status_code == 201


def test_patch_bucket_leaks_and_errors_fill_it_faster(allegro_env) -> None:
    env = allegro_env(limits=AllegroLimits(patch_per_minute=4, patch_error_cost=2))
    offer = env.api.get("/sale/offers").json()["offers"][0]["id"]
    path = f"/sale/product-offers/{offer}"
    ok = [env.api.patch(path, json={"stock": {"available": 3}}).status_code for _ in range(4)]
    assert ok == [200] * 4
    refused = env.api.patch(path, json={"stock": {"available": 3}})
    assert refused.status_code == 429
    env.sandbox.clock.advance(15)  # one request leaks out every 15 s
    assert env.api.patch(path, json={"stock": {"available": 3}}).status_code == 200
    env.sandbox.clock.advance(60)
    assert env.api.patch(path, json={"stock": {"available": -1}}).status_code == 422  # costs 2
    assert env.api.patch(path, json={"stock": {"available": 3}}).status_code == 200  # 3
    assert env.api.patch(path, json={"stock": {"available": 3}}).status_code == 200  # 4
    assert env.api.patch(path, json={"stock": {"available": 3}}).status_code == 429


def test_time_scale_compresses_the_block(allegro_env) -> None:
    limits = AllegroLimits(client_requests_per_minute=2, block_seconds=60)
    env = allegro_env(limits=limits, time_scale=60)  # one sandbox minute per real second
    statuses = [env.api.get("/order/event-stats").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    started = time.monotonic()
    while env.sandbox.gate.blocked_for("omnistock-sandbox") > 0:  # quiet: no calls meanwhile
        assert time.monotonic() < started + 10, "the compressed block never lifted"
        time.sleep(0.05)
    assert env.api.get("/order/event-stats").status_code == 200
    assert time.monotonic() - started < 10  # an unscaled block would take 60 real seconds


def test_product_offer_reads_have_their_own_bucket(allegro_env) -> None:
    env = allegro_env(limits=AllegroLimits(offer_reads_per_minute=3))
    offer = env.api.get("/sale/offers").json()["offers"][0]["id"]
    reads = [env.api.get(f"/sale/product-offers/{offer}").status_code for _ in range(4)]
    assert reads == [200, 200, 200, 429]
    assert env.api.get("/sale/offers").status_code == 200  # the listing is not limited by it
    env.sandbox.clock.advance(20)
    assert env.api.get(f"/sale/product-offers/{offer}").status_code == 200
