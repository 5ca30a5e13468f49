"""Allegro sandbox category parameters: unfilled offer parameters and scheduled changes."""

from __future__ import annotations

from datetime import timedelta

import httpx

from omnistock.sandbox.allegro.errors import MEDIA_TYPE as MEDIA


def _setup(env) -> tuple[str, str]:
    """Two offers in category 165; parameter 11323 required now, 224017 from in ten days."""
    offers = env.raw.post(
        "/_sandbox/offers",
        json=[
            {"name": "Kurtka zimowa Foka", "stock": 2, "price": "299.00", "category_id": "165"},
            {
                "name": "Kurtka zimowa Mors",
                "stock": 2,
                "price": "319.00",
                "category_id": "165",
                "parameters": {"11323": ["Nowy"]},
            },
        ],
    ).json()
    soon = env.sandbox.clock.now() + timedelta(days=10)
    rules = [
        {"category_id": "165", "parameter_id": "11323"},
        {"category_id": "165", "parameter_id": "224017", "required_from": soon.isoformat()},
    ]
    assert env.raw.post("/_sandbox/category-parameters", json=rules).status_code == 201
    return offers[0]["id"], offers[1]["id"]


def _unfilled(env, **params) -> dict:
    response = env.api.get("/sale/offers/unfilled-parameters", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_unfilled_parameters_by_type(allegro_env) -> None:
    env = allegro_env()
    bare, half = _setup(env)
    everything = {o["id"]: o for o in _unfilled(env)["offers"]}
    assert {p["id"] for p in everything[bare]["parameters"]} == {"11323", "224017"}
    assert [p["id"] for p in everything[half]["parameters"]] == ["224017"]
    assert everything[bare]["category"] == {"id": "165"}
    required = _unfilled(env, parameterType="REQUIRED")
    assert [o["id"] for o in required["offers"]] == [bare]
    planned = _unfilled(env, parameterType="REQUIREMENT_PLANNED", **{"offer.id": half})
    assert (planned["count"], planned["totalCount"]) == (1, 1)
    bad = env.api.get("/sale/offers/unfilled-parameters", params={"parameterType": "OPTIONAL"})
    assert bad.status_code == 400


def test_planned_requirement_becomes_required_when_its_date_passes(allegro_env) -> None:
    env = allegro_env()
    _, half = _setup(env)
    env.sandbox.clock.advance(11 * 24 * 3600)
    env.reauth()
    required = {o["id"] for o in _unfilled(env, parameterType="REQUIRED")["offers"]}
    assert half in required
    assert _unfilled(env, parameterType="REQUIREMENT_PLANNED")["offers"] == []


def test_filling_a_parameter_with_patch_clears_it(allegro_env) -> None:
    env = allegro_env()
    bare, _ = _setup(env)
    body = {
        "parameters": [{"id": "11323", "values": ["Nowy"]}, {"id": "224017", "valuesIds": ["1"]}]
    }
    assert env.api.patch(f"/sale/product-offers/{bare}", json=body).status_code == 200
    assert bare not in {o["id"] for o in _unfilled(env)["offers"]}
    bad = env.api.patch(f"/sale/product-offers/{bare}", json={"parameters": [{"id": "1"}]})
    assert (bad.status_code, bad.json()["errors"][0]["path"]) == (422, "parameters[0]")


def test_scheduled_changes_list_future_requirements(allegro_env) -> None:
    env = allegro_env()
    _setup(env)
    changes = env.api.get("/sale/category-parameters-scheduled-changes").json()["scheduledChanges"]
    assert len(changes) == 1
    (change,) = changes
    assert change["type"] == "REQUIREMENT_CHANGE"
    assert (change["category"], change["parameter"]) == ({"id": "165"}, {"id": "224017"})
    later = (env.sandbox.clock.now() + timedelta(days=20)).isoformat()
    none = env.api.get(
        "/sale/category-parameters-scheduled-changes", params={"scheduledFor.gte": later}
    )
    assert none.json()["scheduledChanges"] == []
    app_token = env.raw.post("/auth/oauth/token", params={"grant_type": "client_credentials"})
    headers = {"Authorization": f"Bearer {app_token.json()['access_token']}", "Accept": MEDIA}
    as_app = httpx.get(f"{env.url}/sale/category-parameters-scheduled-changes", headers=headers)
    assert as_app.json()["scheduledChanges"] == changes  # application tokens may read it
    env.sandbox.clock.advance(10 * 24 * 3600)
    env.reauth()
    gone = env.api.get("/sale/category-parameters-scheduled-changes").json()["scheduledChanges"]
    assert gone == []


def test_admin_rejects_naive_dates(allegro_env) -> None:
    env = allegro_env()
    rule = {"category_id": "1", "parameter_id": "2", "required_from": "2030-01-01T00:00:00"}
    response = env.raw.post("/_sandbox/category-parameters", json=[rule])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "required_from"
