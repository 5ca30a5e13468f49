"""Allegro sandbox batch commands: quantity and publication, asynchronous tasks, conflicts."""

from __future__ import annotations

import uuid

import pytest

QTY = "/sale/offer-quantity-change-commands"
PUB = "/sale/offer-publication-commands"


def _ids(env, n: int, stock: int = 5) -> list[str]:
    offers = [
        {"name": f"Oferta do komendy {i}", "stock": stock, "price": "10.00"} for i in range(n)
    ]
    created = env.raw.post("/_sandbox/offers", json=offers)
    assert created.status_code == 201
    return [o["id"] for o in created.json()]


def _criteria(ids: list[str]) -> list[dict]:
    return [{"type": "CONTAINS_OFFERS", "offers": [{"id": i} for i in ids]}]


def _quantity(env, ids: list[str], change: str, value: int, command: str | None = None):
    command = command or str(uuid.uuid4())
    body = {"modification": {"changeType": change, "value": value}, "offerCriteria": _criteria(ids)}
    return command, env.api.put(f"{QTY}/{command}", json=body)


def _stock(env, offer_id: str) -> int:
    return env.api.get(f"/sale/product-offers/{offer_id}").json()["stock"]["available"]


def test_fixed_and_gain_change_stock_after_registration(allegro_env) -> None:
    env = allegro_env(empty=True)
    a, b = _ids(env, 2)
    command, registered = _quantity(env, [a], "FIXED", 12)
    assert registered.status_code == 201
    assert registered.json()["taskCount"] == {"total": 0, "success": 0, "failed": 0}
    assert registered.json()["id"] == command
    _quantity(env, [b], "GAIN", -3)
    report = env.api.get(f"{QTY}/{command}").json()
    assert report["taskCount"] == {"total": 1, "success": 1, "failed": 0}
    assert report["completedAt"] is not None
    assert (_stock(env, a), _stock(env, b)) == (12, 2)


@pytest.mark.parametrize(("change", "value"), [("FIXED", 0), ("GAIN", -5)])
def test_quantity_below_one_fails_the_task(allegro_env, change: str, value: int) -> None:
    env = allegro_env(empty=True)
    (offer,) = _ids(env, 1, stock=5)
    command, registered = _quantity(env, [offer], change, value)
    assert registered.status_code == 201
    (task,) = env.api.get(f"{QTY}/{command}/tasks").json()["tasks"]
    assert task["status"] == "FAIL"
    assert task["errors"][0]["code"] == "INVALID_OFFER_QUANTITY"
    assert task["message"] == "The quantity can not be changed to less than 1."
    assert _stock(env, offer) == 5


def test_more_than_1000_offers_is_a_validation_error(allegro_env) -> None:
    env = allegro_env()
    ids = [str(7_000_000_000 + n) for n in range(1001)]
    _, response = _quantity(env, ids, "FIXED", 1)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["message"] == "size must be between 0 and 1000"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"offerCriteria": []}, "modification"),
        (
            {"modification": {"changeType": "SET", "value": 1}, "offerCriteria": []},
            "modification.changeType",
        ),
        (
            {"modification": {"changeType": "FIXED", "value": "1"}, "offerCriteria": []},
            "modification.value",
        ),
        ({"modification": {"changeType": "FIXED", "value": 1}}, "offerCriteria"),
    ],
)
def test_malformed_commands_name_the_path(allegro_env, body: dict, path: str) -> None:
    env = allegro_env()
    response = env.api.put(f"{QTY}/{uuid.uuid4()}", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == path


def test_reusing_a_command_id_is_409(allegro_env) -> None:
    env = allegro_env(empty=True)
    (offer,) = _ids(env, 1)
    command, _ = _quantity(env, [offer], "FIXED", 3)
    _, again = _quantity(env, [offer], "FIXED", 9, command)
    assert again.status_code == 409
    assert again.json()["errors"][0]["message"] == "Command id was already used"
    assert _stock(env, offer) == 3
    assert env.api.put(f"{QTY}/not-a-uuid", json={}).status_code == 400


def test_tasks_stay_new_until_the_async_delay_passes(allegro_env) -> None:
    env = allegro_env(empty=True, faults={"async_delay_seconds": 120})
    ids = _ids(env, 3)
    command, _ = _quantity(env, ids, "FIXED", 20)
    tasks = env.api.get(f"{QTY}/{command}/tasks").json()["tasks"]
    assert [t["status"] for t in tasks] == ["NEW"] * 3
    assert env.api.get(f"{QTY}/{command}").json()["completedAt"] is None
    assert _stock(env, ids[0]) == 5
    env.sandbox.clock.advance(120)
    tasks = env.api.get(f"{QTY}/{command}/tasks").json()["tasks"]
    assert [t["status"] for t in tasks] == ["SUCCESS"] * 3
    assert all(_stock(env, i) == 20 for i in ids)


def test_second_command_on_offers_in_progress_fails_those_tasks(allegro_env) -> None:
    env = allegro_env(empty=True, faults={"async_delay_seconds": 60})
    busy, free = _ids(env, 2)
    _quantity(env, [busy], "FIXED", 10)
    second, registered = _quantity(env, [busy, free], "FIXED", 30)
    assert registered.status_code == 201
    tasks = {t["offer"]["id"]: t for t in env.api.get(f"{QTY}/{second}/tasks").json()["tasks"]}
    assert tasks[busy]["status"] == "FAIL"
    assert tasks[busy]["errors"][0]["code"] == "InProgressTaskLimitReachedException"
    assert tasks[free]["status"] == "NEW"
    env.sandbox.clock.advance(60)
    assert (_stock(env, busy), _stock(env, free)) == (10, 30)


def test_unknown_offers_fail_and_tasks_page(allegro_env) -> None:
    env = allegro_env(empty=True)
    ids = [*_ids(env, 3), "999"]
    command, _ = _quantity(env, ids, "GAIN", 1)
    page = env.api.get(f"{QTY}/{command}/tasks", params={"limit": 2, "offset": 2}).json()
    assert [t["offer"]["id"] for t in page["tasks"]] == ids[2:]
    assert page["tasks"][1]["status"] == "FAIL"
    assert env.api.get(f"{QTY}/{command}").json()["taskCount"] == {
        "total": 4,
        "success": 3,
        "failed": 1,
    }
    assert env.api.get(f"{QTY}/{command}/tasks", params={"limit": 0}).status_code == 422


def test_unknown_and_expired_commands_are_not_found(allegro_env) -> None:
    env = allegro_env(empty=True)
    (offer,) = _ids(env, 1)
    missing = env.api.get(f"{QTY}/{uuid.uuid4()}")
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (404, "COMMAND_NOT_FOUND")
    command, _ = _quantity(env, [offer], "FIXED", 2)
    env.sandbox.clock.advance(7 * 24 * 3600 + 1)
    env.reauth()
    assert env.api.get(f"{QTY}/{command}").status_code == 404


def test_partial_batch_failures_fail_some_tasks_deterministically(allegro_env) -> None:
    outcomes = []
    for _ in range(2):
        env = allegro_env(empty=True, seed=11, faults={"partial_batch_failure_rate": 0.3})
        ids = _ids(env, 40)
        command, _ = _quantity(env, ids, "FIXED", 9)
        tasks = env.api.get(f"{QTY}/{command}/tasks", params={"limit": 100}).json()["tasks"]
        failed = [t["offer"]["id"] for t in tasks if t["status"] == "FAIL"]
        assert all(_stock(env, i) == 5 for i in failed)
        outcomes.append([ids.index(i) for i in failed])
    assert outcomes[0] == outcomes[1]
    assert 3 < len(outcomes[0]) < 25


def test_publication_end_and_activate(allegro_env) -> None:
    env = allegro_env(empty=True)
    ids = _ids(env, 2)
    end = str(uuid.uuid4())
    body = {"publication": {"action": "END"}, "offerCriteria": _criteria(ids)}
    assert env.api.put(f"{PUB}/{end}", json=body).status_code == 201
    listing = env.api.get("/sale/offers", params={"publication.status": "ENDED"}).json()
    assert listing["totalCount"] == 2
    activate = str(uuid.uuid4())
    body = {"publication": {"action": "ACTIVATE"}, "offerCriteria": _criteria(ids[:1])}
    env.api.put(f"{PUB}/{activate}", json=body)
    (task,) = env.api.get(f"{PUB}/{activate}/tasks").json()["tasks"]
    assert (task["status"], task["field"]) == ("SUCCESS", "publication.status")
    assert env.api.get(f"/sale/product-offers/{ids[0]}").json()["publication"]["status"] == "ACTIVE"
    assert env.api.get(f"{PUB}/{activate}").json()["taskCount"]["success"] == 1


def test_publication_rejects_scheduled_end_and_activation_without_stock(allegro_env) -> None:
    env = allegro_env(empty=True)
    (offer,) = _ids(env, 1)
    env.api.patch(f"/sale/product-offers/{offer}", json={"stock": {"available": 0}})
    scheduled = {
        "publication": {"action": "END", "scheduledFor": "2030-01-01T00:00:00Z"},
        "offerCriteria": _criteria([offer]),
    }
    assert env.api.put(f"{PUB}/{uuid.uuid4()}", json=scheduled).status_code == 422
    command = str(uuid.uuid4())
    body = {"publication": {"action": "ACTIVATE"}, "offerCriteria": _criteria([offer])}
    env.api.put(f"{PUB}/{command}", json=body)
    (task,) = env.api.get(f"{PUB}/{command}/tasks").json()["tasks"]
    assert task["status"] == "FAIL"
