"""``/sms.do``: send SMS like SMSAPI.pl — Bearer auth, form or query parameters, JSON answers.

Checks in SMSAPI's order: authorization (101), account (105 IP filter, 110 service, 202 busy),
message (11 empty/too long, 12 more parts than ``max_parts``), sender name (14), numbers
(13 none valid, with ``invalid_numbers``), points (103). Business errors come with HTTP 200.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from omnistock.sandbox.smsapi.errors import SmsapiError
from omnistock.sandbox.smsapi.state import (
    POINTS_PER_PART,
    SentSms,
    SmsapiSandbox,
    normalize_number,
    parts_of,
)

__all__ = ["sms_router"]

MAX_PARTS = 6  # SMSAPI: at most 918 GSM-7 characters (6 × 153)


def sms_router(sandbox: SmsapiSandbox) -> APIRouter:
    router = APIRouter()

    @router.api_route("/sms.do", methods=["GET", "POST"])
    async def send_sms(request: Request) -> Response:
        params = await _params(request)
        as_json = params.get("format") == "json"
        try:
            sent = _send(sandbox, params, request.headers)
        except SmsapiError as error:
            return error.response(as_json=as_json)
        return _success(sent, params, as_json=as_json)

    return router


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    body = await request.body()
    if body and "json" not in request.headers.get("content-type", ""):
        params.update(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
    return params


def _send(
    sandbox: SmsapiSandbox, params: Mapping[str, str], headers: Mapping[str, str]
) -> list[SentSms]:
    _authorize(sandbox, headers.get("authorization", ""), params)
    _account(sandbox)
    message = params.get("message", "")
    parts = parts_of(message)
    limit = _max_parts(params)
    if not message or parts > MAX_PARTS:
        raise SmsapiError(11)
    if parts > limit:
        raise SmsapiError(12)
    sender = params.get("from") or "Test"
    if sender not in sandbox.account.sender_names:
        raise SmsapiError(14)
    numbers, invalid = _numbers(params.get("to", ""))
    if not numbers:
        raise SmsapiError(13, invalid_numbers=invalid)
    return _charge(sandbox, numbers, message, sender, parts, params, headers)


def _authorize(sandbox: SmsapiSandbox, header: str, params: Mapping[str, str]) -> None:
    scheme, _, token = header.partition(" ")
    if not token and "access_token" in params:
        scheme, token = "bearer", params["access_token"]
    if scheme.lower() != "bearer" or not token:
        raise SmsapiError(101)
    if token != sandbox.access_token:
        raise SmsapiError(101)


def _account(sandbox: SmsapiSandbox) -> None:
    account = sandbox.account
    if not account.ip_allowed:
        raise SmsapiError(105)
    if not account.service_available:
        raise SmsapiError(110)
    with sandbox.lock:
        if account.busy_next > 0:
            account.busy_next -= 1
            raise SmsapiError(202)


def _max_parts(params: Mapping[str, str]) -> int:
    if params.get("single") == "1":
        return 1
    raw = params.get("max_parts", "")
    if raw and not raw.isdigit():
        raise SmsapiError(8)
    return int(raw) if raw else MAX_PARTS


def _numbers(raw: str) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    valid: list[tuple[str, str]] = []
    invalid: list[dict[str, str]] = []
    for submitted in (n.strip() for n in raw.split(",") if n.strip()):
        number = normalize_number(submitted)
        if number is None:
            invalid.append(
                {
                    "number": submitted,
                    "submitted_number": submitted,
                    "message": "Invalid phone number",
                }
            )
        else:
            valid.append((number, submitted))
    return valid, invalid


def _charge(
    sandbox: SmsapiSandbox,
    numbers: list[tuple[str, str]],
    message: str,
    sender: str,
    parts: int,
    params: Mapping[str, str],
    headers: Mapping[str, str],
) -> list[SentSms]:
    cost = POINTS_PER_PART * parts
    test = params.get("test") == "1"
    with sandbox.lock:
        if sandbox.account.points < cost * len(numbers):
            raise SmsapiError(103)
        if not test:
            sandbox.account.points -= cost * len(numbers)
    now = int(sandbox.clock.now().timestamp())
    sent = [
        SentSms(
            id=sandbox.next_id(),
            number=number,
            submitted_number=submitted,
            message=message,
            sender=sender,
            parts=parts,
            points=cost,
            date_sent=now,
            status="QUEUE",
            test=test,
            request_id=headers.get("x-request-id"),
        )
        for number, submitted in numbers
    ]
    with sandbox.lock:
        sandbox.messages.extend(sent)
    return sent


def _success(sent: list[SentSms], params: Mapping[str, str], *, as_json: bool) -> Response:
    if not as_json:
        lines = [f"OK:{s.id}:{s.points}" for s in sent]
        return PlainTextResponse(";".join(lines))
    details = params.get("details") == "1"
    body: dict[str, Any] = {"count": len(sent), "list": [_item(s, details) for s in sent]}
    invalid = _numbers(params.get("to", ""))[1]
    if invalid:
        body["invalid_numbers"] = invalid
    return JSONResponse(body)


def _item(sms: SentSms, details: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": sms.id,
        "points": float(sms.points),
        "number": sms.number,
        "date_sent": sms.date_sent,
        "submitted_number": sms.submitted_number,
        "status": sms.status,
    }
    if details:
        item.update(message=sms.message, length=len(sms.message), parts=sms.parts)
    return item
