"""Webhook sender against a small receiving app over real HTTP; the signature is verified."""

from __future__ import annotations

import json

import pytest
from notify_support import free_port, make_notification
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from omnistock.domain.incidents import Via
from omnistock.notify import (
    SIGNATURE_HEADER,
    DeliveryStatus,
    WebhookSender,
    WebhookSettings,
    verify_signature,
)

SECRET = "hook-secret"


class Receiver:
    """Checks each delivery's signature like a real receiver; answers ``status``."""

    def __init__(self) -> None:
        self.deliveries: list[dict] = []
        self.status = 200

    def app(self) -> Starlette:
        async def hook(request: Request) -> JSONResponse:
            body = await request.body()
            valid = verify_signature(body, SECRET, request.headers.get(SIGNATURE_HEADER))
            self.deliveries.append({"body": json.loads(body), "valid": valid})
            if not valid:
                return JSONResponse({"error": "bad signature"}, status_code=401)
            return JSONResponse({"ok": True}, status_code=self.status)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"])])


@pytest.fixture
def receiver(serve):
    rec = Receiver()
    server = serve(rec.app())
    senders: list[WebhookSender] = []

    def make(secret: str = SECRET, url: str | None = None) -> WebhookSender:
        sender = WebhookSender(WebhookSettings(url=url or f"{server.url}/hook", secret=secret))
        senders.append(sender)
        return sender

    yield rec, make
    for sender in senders:
        sender.close()


def test_signed_json_with_slack_text_field(receiver) -> None:
    rec, make = receiver
    result = make().send(make_notification(Via.WEBHOOK, text="Zażółć: 500 ofert wstrzymanych"))
    assert result.status is DeliveryStatus.SENT
    (delivery,) = rec.deliveries
    assert delivery["valid"] is True
    body = delivery["body"]
    assert body["text"].startswith("[omnistock] CRITICAL")
    assert "Zażółć" in body["text"]
    assert body["severity"] == "critical"
    assert body["incident_ids"] == ["guard_hold:shop:change-set@2026-11-27T12:00:00+00:00"]


def test_wrong_secret_is_refused_by_the_receiver(receiver) -> None:
    rec, make = receiver
    result = make(secret="other").send(make_notification(Via.WEBHOOK))
    assert (result.status, result.code) == (DeliveryStatus.FAILED, "401")
    assert rec.deliveries[0]["valid"] is False


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (500, DeliveryStatus.RETRYABLE),
        (503, DeliveryStatus.RETRYABLE),
        (429, DeliveryStatus.RETRYABLE),  # a throttled receiver is retried
        (404, DeliveryStatus.FAILED),
        (204, DeliveryStatus.SENT),
    ],
)
def test_receiver_status_is_classified(receiver, status, expected) -> None:
    rec, make = receiver
    rec.status = status
    assert make().send(make_notification(Via.WEBHOOK)).status is expected


def test_unreachable_receiver_is_retryable(receiver) -> None:
    _, make = receiver
    result = make(url=f"http://127.0.0.1:{free_port()}/hook").send(make_notification(Via.WEBHOOK))
    assert result.status is DeliveryStatus.RETRYABLE


def test_signature_check_rejects_tampering() -> None:
    from omnistock.notify import sign

    body = b'{"text":"x"}'
    assert verify_signature(body, SECRET, sign(body, SECRET))
    assert not verify_signature(body + b" ", SECRET, sign(body, SECRET))
    assert not verify_signature(body, SECRET, None)
