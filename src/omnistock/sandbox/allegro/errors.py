"""Allegro's two error shapes: REST ``ErrorsHolder`` and OAuth ``{error, error_description}``.

Routes raise :class:`AllegroError` or :class:`AuthFailure`; the app turns them into responses
with Allegro's media type. ``error_body`` gives the body the fault middleware sends for a status.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

__all__ = [
    "MEDIA_TYPE",
    "AllegroError",
    "AllegroResponse",
    "AuthFailure",
    "error_body",
    "error_item",
]

MEDIA_TYPE = "application/vnd.allegro.public.v1+json"

_BY_STATUS: dict[int, tuple[str, str, str]] = {
    400: ("BadRequestException", "Bad request", "Nieprawidłowe żądanie."),
    404: ("NotFoundException", "Resource not found", "Nie znaleziono zasobu."),
    405: ("MethodNotAllowedException", "Method not allowed", "Niedozwolona metoda."),
    406: (
        "NotAcceptableException",
        "Not acceptable representation requested. Please check 'Accept' request header",
        "Not acceptable representation requested. Please check 'Accept' request header",
    ),
    415: (
        "UnsupportedMediaTypeException",
        "Unsupported media type. Please check 'Content-Type' request header",
        "Unsupported media type. Please check 'Content-Type' request header",
    ),
    429: (
        "TooManyRequestsException",
        "An error occurred",
        "Server is unable to respond to your query. Try again in a few minutes.",
    ),
    500: ("InternalServerErrorException", "Internal server error", "Wystąpił błąd serwera."),
    502: ("BadGatewayException", "Bad gateway", "Serwer jest chwilowo niedostępny."),
    503: (
        "ServiceUnavailableException",
        "Service unavailable",
        "Serwis jest chwilowo niedostępny.",
    ),
}


def error_item(
    code: str,
    message: str,
    *,
    user_message: str | None = None,
    path: str | None = None,
    details: str | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One ``Error`` object as Allegro writes it."""
    return {
        "code": code,
        "message": message,
        "details": details,
        "path": path,
        "userMessage": user_message if user_message is not None else message,
        "metadata": metadata or {},
    }


class AllegroResponse(JSONResponse):
    """JSON with Allegro's public media type."""

    media_type = MEDIA_TYPE


class AllegroError(Exception):
    """A REST error: status plus one or more ``Error`` objects."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        path: str | None = None,
        user_message: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.items = [error_item(code, message, path=path, user_message=user_message)]
        self.headers = headers or {}

    @classmethod
    def for_status(cls, status: int, *, path: str | None = None) -> AllegroError:
        """The generic error Allegro answers for ``status``."""
        code, message, user = _BY_STATUS.get(status, _BY_STATUS[500])
        return cls(status, code, message, user_message=user, path=path)

    def response(self) -> AllegroResponse:
        """The HTTP response."""
        return AllegroResponse({"errors": self.items}, self.status, headers=self.headers)


class AuthFailure(Exception):
    """An OAuth error (token endpoint, missing or expired bearer token)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def response(self) -> JSONResponse:
        """The HTTP response (plain JSON, as the auth server answers)."""
        headers = {}
        if self.status == 401:
            headers["WWW-Authenticate"] = (
                f'Bearer realm="allegro", error="{self.error}", '
                f'error_description="{self.description}"'
            )
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, self.status, headers=headers)


def error_body(status: int) -> tuple[bytes, dict[str, str]]:
    """Body and headers of Allegro's generic error for ``status`` (used by injected faults)."""
    error = AllegroError.for_status(status)
    return json.dumps({"errors": error.items}).encode(), {"content-type": MEDIA_TYPE}
