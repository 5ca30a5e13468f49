"""SMSAPI error codes and bodies: ``{"error": code, "message": …}`` with HTTP 200 (``format=json``).

Codes from ``reference/channels.md`` §8 (smsapi.pl status page and the official client's
fixtures); without ``format=json`` the answer is plain text ``ERROR:<code>``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse, PlainTextResponse, Response

__all__ = ["MESSAGES", "SmsapiError", "error_body"]

MESSAGES: dict[int, str] = {
    8: "Error in request",
    11: "Message too long or there is no message",
    12: "Message has more parts than defined",
    13: "No correct phone numbers",
    14: "Wrong sender name",
    101: "Authorization failed",
    102: "Wrong login or password",
    103: "Insufficient credits on your account",
    104: "No such template",
    105: "Wrong IP address (for IP filter turned on)",
    110: "Action not allowed for your account",
    200: "Unsuccessful message submission",
    201: "System internal error (please report)",
    202: "Too many simultaneous request, message won't be sent",
}


class SmsapiError(Exception):
    """A business error, answered with HTTP 200 like SMSAPI does."""

    def __init__(self, code: int, *, invalid_numbers: list[dict[str, str]] | None = None) -> None:
        super().__init__(MESSAGES.get(code, "Error"))
        self.code = code
        self.invalid_numbers = invalid_numbers

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": MESSAGES.get(self.code, "Error")}
        if self.invalid_numbers:
            body["invalid_numbers"] = self.invalid_numbers
        return body

    def response(self, *, as_json: bool) -> Response:
        if as_json:
            return JSONResponse(self.body(), status_code=200)
        return PlainTextResponse(f"ERROR:{self.code}", status_code=200)


def error_body(status: int) -> tuple[bytes, dict[str, str]]:
    """Injected faults: 429 → 202 (too many requests), anything else → 201 (internal error)."""
    code = 202 if status == 429 else 201
    body = {"error": code, "message": MESSAGES[code]}
    return json.dumps(body).encode(), {"content-type": "application/json"}
