"""SMSAPI.pl sandbox over real HTTP: sends, business errors with HTTP 200, admin, faults."""

from __future__ import annotations

import httpx
import pytest

from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.faults import FaultConfig
from omnistock.sandbox.registry import SANDBOXES
from omnistock.sandbox.smsapi.app import create_app
from omnistock.sandbox.smsapi.state import normalize_number, parts_of

TOKEN = "omnistock-sandbox"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def sms(serve):
    with httpx.Client(base_url=serve(create_app(SandboxOptions())).url, timeout=10) as client:
        yield client


def send(client: httpx.Client, headers=AUTH, **form) -> httpx.Response:
    data = {"to": "48600100200", "message": "Test alert", "format": "json", **form}
    return client.post("/sms.do", data=data, headers=headers)


def test_registered() -> None:
    assert SANDBOXES["smsapi"] is create_app


def test_send_queues_message_and_admin_shows_it(sms) -> None:
    response = send(sms, to="48600100200,+48 700 100 200", headers={**AUTH, "X-Request-Id": "r1"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [i["number"] for i in body["list"]] == ["48600100200", "48700100200"]
    assert {i["status"] for i in body["list"]} == {"QUEUE"}
    assert body["list"][0]["submitted_number"] == "48600100200"
    messages = sms.get("/_sandbox/messages").json()
    assert [m["message"] for m in messages] == ["Test alert", "Test alert"]
    assert messages[0]["request_id"] == "r1"
    assert messages[0]["from"] == "Test"


def test_query_parameters_and_details(sms) -> None:
    params = {"to": "600100200", "message": "x" * 200, "format": "json", "details": "1"}
    body = sms.post("/sms.do", params=params, headers=AUTH).json()
    (item,) = body["list"]
    assert (item["parts"], item["length"], item["number"]) == (2, 200, "48600100200")


@pytest.mark.parametrize(
    ("form", "headers", "code"),
    [
        ({}, {}, 101),  # no Authorization header
        ({}, {"Authorization": "Bearer wrong"}, 101),  # bad token
        ({"message": ""}, AUTH, 11),  # empty message
        ({"message": "x" * 1000}, AUTH, 11),  # more than 6 parts
        ({"message": "x" * 161, "single": "1"}, AUTH, 12),  # single=1 with 2 parts
        ({"from": "Unverified"}, AUTH, 14),  # sender name not verified
        ({"to": "123,abc"}, AUTH, 13),  # no valid numbers
        ({"to": ""}, AUTH, 13),  # no numbers at all
        ({"max_parts": "x"}, AUTH, 8),  # malformed parameter
    ],
)
def test_business_errors_come_with_http_200(sms, form, headers, code) -> None:
    response = send(sms, headers=headers, **form)
    assert response.status_code == 200
    assert response.json()["error"] == code
    assert response.json()["message"]
    assert sms.get("/_sandbox/messages").json() == []


def test_invalid_numbers_are_listed(sms) -> None:
    body = send(sms, to="12345").json()
    assert body["error"] == 13
    assert body["invalid_numbers"] == [
        {"number": "12345", "submitted_number": "12345", "message": "Invalid phone number"}
    ]
    mixed = send(sms, to="48600100200,999").json()
    assert mixed["count"] == 1
    assert mixed["invalid_numbers"][0]["submitted_number"] == "999"


@pytest.mark.parametrize(
    ("account", "code"),
    [
        ({"points": "0.01"}, 103),  # not enough points
        ({"ip_allowed": False}, 105),  # IP filter
        ({"service_available": False}, 110),  # not allowed on this account
        ({"busy_next": 1}, 202),  # too many concurrent requests (retryable)
    ],
)
def test_account_errors(sms, account, code) -> None:
    state = sms.get("/_sandbox/account").json()
    assert sms.put("/_sandbox/account", json={**state, **account}).status_code == 200
    assert send(sms).json()["error"] == code


def test_busy_answers_only_the_next_n_and_points_are_charged(sms) -> None:
    state = sms.get("/_sandbox/account").json()
    sms.put("/_sandbox/account", json={**state, "busy_next": 1})
    assert send(sms).json()["error"] == 202
    assert send(sms).json()["count"] == 1
    assert float(sms.get("/_sandbox/account").json()["points"]) == pytest.approx(100 - 0.16)


def test_test_mode_validates_without_charging(sms) -> None:
    assert send(sms, test="1").json()["count"] == 1
    assert float(sms.get("/_sandbox/account").json()["points"]) == 100
    assert sms.get("/_sandbox/messages").json()[0]["test"] is True


def test_plain_text_answers_without_format_json(sms) -> None:
    ok = sms.post("/sms.do", data={"to": "48600100200", "message": "x"}, headers=AUTH)
    assert ok.text.startswith("OK:")
    bad = sms.post("/sms.do", data={"to": "48600100200", "message": "x"})
    assert bad.text == "ERROR:101"


def test_injected_faults_and_reset(serve) -> None:
    app = create_app(SandboxOptions(faults=FaultConfig(error_rate=1.0)))
    with httpx.Client(base_url=serve(app).url, timeout=10) as client:
        response = send(client)
        assert response.status_code >= 500
        assert response.json()["error"] == 201
        client.put("/_sandbox/faults", json={})
        assert send(client).json()["count"] == 1
        logged = client.get("/_sandbox/requests", params={"path": "/sms.do"}).json()
        assert [e["status"] >= 500 for e in logged] == [True, False]
        client.post("/_sandbox/reset")
        assert client.get("/_sandbox/messages").json() == []
        assert send(client).status_code >= 500  # reset restores the start-up faults


@pytest.mark.parametrize(
    ("submitted", "number"),
    [
        ("600100200", "48600100200"),  # national, mobile
        ("+48 600-100-200", "48600100200"),  # formatted
        ("0048600100200", "48600100200"),  # 00 prefix
        ("48200100200", None),  # landline range
        ("4860010020", None),  # too short for Poland
        ("491701234567", "491701234567"),  # another country
        ("12ab", None),
    ],
)
def test_normalize_number(submitted: str, number: str | None) -> None:
    assert normalize_number(submitted) == number


def test_parts() -> None:
    assert parts_of("a" * 160) == 1
    assert parts_of("a" * 161) == 2
    assert parts_of("ą" * 70) == 1
    assert parts_of("ą" * 71) == 2
