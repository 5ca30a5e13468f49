"""SP-API error bodies: ``{"errors":[{"code","message","details"}]}`` with ``x-amzn-RequestId``."""

from __future__ import annotations

import json
import uuid

__all__ = [
    "SpApiError",
    "error_list",
    "fault_error_body",
    "request_id_headers",
]

_FAULT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("InvalidInput", "Request has missing or invalid parameters and cannot be parsed."),
    403: ("Unauthorized", "Access to requested resource is denied."),
    404: ("NotFound", "The resource specified does not exist."),
    405: ("MethodNotAllowed", "The method is not allowed for the requested resource."),
    413: ("RequestEntityTooLarge", "The request size exceeded the maximum accepted size."),
    415: ("UnsupportedMediaType", "The request payload is in an unsupported format."),
    429: ("QuotaExceeded", "You exceeded your quota for the requested resource."),
    500: ("InternalFailure", "We encountered an internal error. Please try again."),
    502: ("InternalFailure", "We encountered an internal error. Please try again."),
    503: ("ServiceUnavailable", "Service temporarily unavailable. Please try again."),
}


class SpApiError(Exception):
    """An SP-API call refused with ``status`` and one ``Error`` (rendered as an ``ErrorList``)."""

    def __init__(
        self, status: int, code: str, message: str, details: str = "", *, limit: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.limit = limit


def error_list(code: str, message: str, details: str = "") -> dict[str, list[dict[str, str]]]:
    """The ``ErrorList`` body of every SP-API model."""
    return {"errors": [{"code": code, "message": message, "details": details}]}


def request_id_headers() -> dict[str, str]:
    """A fresh ``x-amzn-RequestId`` (sent on every SP-API response, errors included)."""
    return {"x-amzn-RequestId": str(uuid.uuid4())}


def fault_error_body(status: int) -> tuple[bytes, dict[str, str]]:
    """Body and headers for a bare status (faults, unknown routes): 429 carries only the id."""
    code, message = _FAULT_ERRORS.get(status, _FAULT_ERRORS[500])
    body = json.dumps(error_list(code, message)).encode()
    return body, {"content-type": "application/json", **request_id_headers()}
