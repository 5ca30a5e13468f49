"""KSeF's error bodies: ``ExceptionResponse`` (400/5xx) and ``TooManyRequestsResponse`` (429)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from fastapi import Response

__all__ = ["KsefApiError", "error_body", "exception_response", "too_many"]

JSON = "application/json"


def exception_response(code: int, description: str, details: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    """The legacy ``{"exception": {...}}`` body KSeF answers by default."""
    return {
        "exception": {
            "exceptionDetailList": [
                {
                    "exceptionCode": code,
                    "exceptionDescription": description,
                    "details": details or [],
                }
            ],
            "serviceCode": "00-sandbox",
            "serviceCtx": "srvOMNI",
            "serviceName": "omnistock KSeF sandbox",
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
    }


class KsefApiError(Exception):
    """Raised by handlers; becomes a KSeF-shaped error response."""

    def __init__(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}

    def response(self) -> Response:
        """The HTTP response."""
        return Response(json.dumps(self.body), self.status, self.headers, media_type=JSON)


def bad_request(description: str, *details: str, code: int = 21405) -> KsefApiError:
    """400 with an exception code (21405 = input validation)."""
    return KsefApiError(400, exception_response(code, description, list(details)))


def unauthorized(detail: str) -> KsefApiError:
    """401 problem details."""
    body = {"title": "Unauthorized", "status": 401, "detail": detail}
    return KsefApiError(401, body)


def too_many(real_seconds: float, limit: str) -> KsefApiError:
    """429 with ``Retry-After`` in (real) whole seconds."""
    wait = max(1, math.ceil(real_seconds))
    body = {
        "status": {
            "code": 429,
            "description": "Too Many Requests",
            "details": [f"Przekroczono limit {limit}. Spróbuj ponownie po {wait} sekundach."],
        }
    }
    return KsefApiError(429, body, {"Retry-After": str(wait)})


def error_body(status: int) -> tuple[bytes, dict[str, str]]:
    """Bodies of injected faults and unhandled errors."""
    if status == 429:
        error = too_many(1, "żądań (fault)")
        return json.dumps(error.body).encode(), {"content-type": JSON, **error.headers}
    body = exception_response(status if status < 500 else 99999, "Nieznany błąd", [str(status)])
    return json.dumps(body).encode(), {"content-type": JSON}
