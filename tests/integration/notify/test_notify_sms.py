"""SMS sender against the SMSAPI sandbox over real HTTP."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from notify_support import make_notification

from omnistock.domain.incidents import Via
from omnistock.notify import DeliveryStatus, SmsapiSender, SmsapiSettings, classify_smsapi
from omnistock.notify.sms import request_id
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.faults import FaultConfig
from omnistock.sandbox.smsapi.app import create_app

_SENDERS: list[SmsapiSender] = []


@pytest.fixture(autouse=True)
def _close_senders():
    yield
    while _SENDERS:
        _SENDERS.pop().close()


@pytest.fixture
def smsapi(serve):
    app = create_app(SandboxOptions())
    server = serve(app)
    admin = httpx.Client(base_url=server.url, timeout=10)
    yield server.url, admin
    admin.close()


def sender(url: str, *, token: str = "omnistock-sandbox", to=("48600100200",), name=None):
    settings = SmsapiSettings(token=token, recipients=to, sender_name=name, base_url=url)
    _SENDERS.append(SmsapiSender(settings))
    return _SENDERS[-1]


def test_sms_arrives_in_the_sandbox(smsapi) -> None:
    url, admin = smsapi
    result = sender(url, to=("48600100200", "48700100200")).send(make_notification(Via.SMS))
    assert result.status is DeliveryStatus.SENT
    assert result.provider_id is not None
    assert result.provider_id.count(",") == 1
    messages = admin.get("/_sandbox/messages").json()
    assert {m["number"] for m in messages} == {"48600100200", "48700100200"}
    assert messages[0]["message"].startswith("[omnistock] CRITICAL")
    assert messages[0]["request_id"] == request_id(make_notification(Via.SMS).key)


def test_polish_letters_in_keys_and_text_are_sent(smsapi) -> None:
    url, admin = smsapi
    note = dataclasses.replace(
        make_notification(Via.SMS, text="Zażółć gęślą jaźń"), key="dead_item:sklep:żółw@x/sms/alert"
    )
    assert sender(url).send(note).status is DeliveryStatus.SENT
    (message,) = admin.get("/_sandbox/messages").json()
    assert message["message"] == "Zażółć gęślą jaźń"


def test_http_200_with_error_is_a_failure(smsapi) -> None:
    url, admin = smsapi
    result = sender(url, token="expired").send(make_notification(Via.SMS))
    assert (result.status, result.code) == (DeliveryStatus.FAILED, "101")
    assert "Authorization failed" in result.detail
    assert admin.get("/_sandbox/messages").json() == []


def test_invalid_numbers_are_reported(smsapi) -> None:
    url, _ = smsapi
    result = sender(url, to=("12345",)).send(make_notification(Via.SMS))
    assert (result.status, result.code) == (DeliveryStatus.FAILED, "13")
    assert result.rejected == ("12345",)
    mixed = sender(url, to=("48600100200", "999")).send(make_notification(Via.SMS))
    assert mixed.status is DeliveryStatus.SENT
    assert mixed.rejected == ("999",)  # partly delivered, still reported
    assert "invalid numbers: 999" in mixed.detail


@pytest.mark.parametrize(
    ("account", "status", "code"),
    [
        ({"busy_next": 1}, DeliveryStatus.RETRYABLE, "202"),  # too many concurrent requests
        ({"points": "0"}, DeliveryStatus.FAILED, "103"),  # no points
        ({"ip_allowed": False}, DeliveryStatus.FAILED, "105"),  # IP filter
    ],
)
def test_account_errors_are_classified(smsapi, account, status, code) -> None:
    url, admin = smsapi
    state = admin.get("/_sandbox/account").json()
    admin.put("/_sandbox/account", json={**state, **account})
    result = sender(url).send(make_notification(Via.SMS))
    assert (result.status, result.code) == (status, code)


def test_unverified_sender_name_fails(smsapi) -> None:
    url, _ = smsapi
    result = sender(url, name="Nieznany").send(make_notification(Via.SMS))
    assert (result.status, result.code) == (DeliveryStatus.FAILED, "14")


def test_server_errors_and_dead_server_are_retryable(serve) -> None:
    broken = serve(create_app(SandboxOptions(faults=FaultConfig(error_rate=1.0))))
    assert sender(broken.url).send(make_notification(Via.SMS)).status is DeliveryStatus.RETRYABLE
    closed = f"http://127.0.0.1:{_closed_port()}"
    result = sender(closed).send(make_notification(Via.SMS))
    assert result.status is DeliveryStatus.RETRYABLE
    assert "ConnectError" in result.detail


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, "ERROR:105", DeliveryStatus.FAILED),  # plain-text error without format=json
        (200, "ERROR:202", DeliveryStatus.RETRYABLE),
        (401, '{"message":"Authorization failed"}', DeliveryStatus.FAILED),
        (200, "<html>", DeliveryStatus.FAILED),  # not SMSAPI at all
        (429, "", DeliveryStatus.RETRYABLE),
    ],
)
def test_classify_answers(status, body, expected) -> None:
    assert classify_smsapi(status, body).status is expected


def _closed_port() -> int:
    from notify_support import free_port

    return free_port()
