"""SMS through SMSAPI.pl: ``POST /sms.do`` with a Bearer token and ``format=json``.

SMSAPI answers business errors with HTTP 200 and ``{"error": code, "message": …}``; those are
failures. Codes 200/201/202 (send failed, internal error, too many concurrent requests) are worth
retrying; the rest (bad numbers, auth, no points, IP not allowed…) are not. Invalid numbers are
reported in :attr:`DeliveryResult.rejected`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from omnistock.domain.incidents import Notification, Via
from omnistock.notify.result import DeliveryResult, DeliveryStatus

__all__ = [
    "RETRYABLE_CODES",
    "SmsapiSender",
    "SmsapiSettings",
    "classify_smsapi",
    "request_id",
]

RETRYABLE_CODES = frozenset({200, 201, 202})
DEFAULT_URL = "https://api.smsapi.pl"


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsapiSettings:
    """Token, recipients (``48600100200``), optional verified sender name, base URL."""

    token: str
    recipients: tuple[str, ...]
    sender_name: str | None = None
    base_url: str = DEFAULT_URL
    timeout_s: float = 10.0
    test: bool = False


class SmsapiSender:
    """Sends one notification text to every recipient in one ``sms.do`` call."""

    via = Via.SMS

    def __init__(self, settings: SmsapiSettings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self._client = client or httpx.Client(timeout=settings.timeout_s)

    def close(self) -> None:
        self._client.close()

    def send(self, notification: Notification) -> DeliveryResult:
        try:
            response = self._client.post(
                f"{self.settings.base_url.rstrip('/')}/sms.do",
                data=self._form(notification.text),
                headers={
                    "Authorization": f"Bearer {self.settings.token}",
                    "X-Request-Id": request_id(notification.key),
                },
            )
        except httpx.HTTPError as exc:
            return _result(DeliveryStatus.RETRYABLE, f"transport: {type(exc).__name__}")
        return classify_smsapi(response.status_code, response.text)

    def _form(self, text: str) -> dict[str, str]:
        form = {
            "to": ",".join(self.settings.recipients),
            "message": text,
            "format": "json",
            "encoding": "utf-8",
        }
        if self.settings.sender_name:
            form["from"] = self.settings.sender_name
        if self.settings.test:
            form["test"] = "1"
        return form


def request_id(key: str) -> str:
    """A header-safe id derived from a notification key (keys may hold Polish letters)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"omnistock:{key}"))


def classify_smsapi(status: int, body: str) -> DeliveryResult:
    """Turn an ``sms.do`` answer into a result (HTTP 200 with ``error`` is a failure)."""
    if status == 429 or status >= 500:
        return _result(DeliveryStatus.RETRYABLE, f"HTTP {status}", code=str(status))
    data = _json(body)
    if data is None:
        return _plain(status, body)
    if "error" in data:
        return _error(data)
    if not 200 <= status < 300:
        return _result(DeliveryStatus.FAILED, f"HTTP {status}", code=str(status))
    ids = [str(item.get("id")) for item in data.get("list", []) if isinstance(item, Mapping)]
    rejected = _invalid(data)
    detail = f"{data.get('count', len(ids))} queued"
    if rejected:
        detail += f"; invalid numbers: {', '.join(rejected)}"
    return DeliveryResult(
        via=Via.SMS,
        status=DeliveryStatus.SENT,
        detail=detail,
        provider_id=",".join(ids) or None,
        rejected=rejected,
    )


def _error(data: Mapping[str, Any]) -> DeliveryResult:
    code = data.get("error")
    retry = isinstance(code, int) and code in RETRYABLE_CODES
    rejected = _invalid(data)
    detail = f"SMSAPI error {code}: {data.get('message', '')}".strip()
    if rejected:
        detail += f"; invalid numbers: {', '.join(rejected)}"
    status = DeliveryStatus.RETRYABLE if retry else DeliveryStatus.FAILED
    return DeliveryResult(
        via=Via.SMS, status=status, detail=detail, code=str(code), rejected=rejected
    )


def _plain(status: int, body: str) -> DeliveryResult:
    text = body.strip()
    if text.startswith("ERROR:"):
        code = text.removeprefix("ERROR:").strip()
        retry = code.isdigit() and int(code) in RETRYABLE_CODES
        state = DeliveryStatus.RETRYABLE if retry else DeliveryStatus.FAILED
        return _result(state, f"SMSAPI {text}", code=code)
    return _result(DeliveryStatus.FAILED, f"HTTP {status}: unexpected body", code=str(status))


def _invalid(data: Mapping[str, Any]) -> tuple[str, ...]:
    items = data.get("invalid_numbers") or []
    return tuple(
        str(item.get("submitted_number") or item.get("number"))
        for item in items
        if isinstance(item, Mapping)
    )


def _json(body: str) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _result(status: DeliveryStatus, detail: str, code: str | None = None) -> DeliveryResult:
    return DeliveryResult(via=Via.SMS, status=status, detail=detail, code=code)
