"""Graph API errors: ``{"error":{"message","type","code","error_subcode","fbtrace_id"}}``."""

from __future__ import annotations

import secrets
import string
from typing import Any

from fastapi.responses import JSONResponse

_TRACE_ALPHABET = string.ascii_letters + string.digits


def fbtrace_id() -> str:
    return "A" + "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(22))


class GraphError(Exception):
    """An error answered in Graph's envelope with its HTTP status (400 for most Graph errors)."""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        type_: str = "OAuthException",
        subcode: int | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.type = type_
        self.subcode = subcode
        self.status = status

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        extra = dict(headers or {})
        if self.code in (104, 190):
            extra["WWW-Authenticate"] = (
                f'OAuth "Facebook Platform" "invalid_token" "{self.message}"'
            )
        return JSONResponse(self.body(), status_code=self.status, headers=extra)


def missing_token() -> GraphError:
    return GraphError("An access token is required to request this resource.", code=104)


def invalid_token() -> GraphError:
    return GraphError("Invalid OAuth access token - Cannot parse access token", code=190)


def param_error(message: str) -> GraphError:
    return GraphError(f"(#100) {message}", code=100)


def unknown_object(object_id: str, method: str) -> GraphError:
    return GraphError(
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read the "
        "Graph API documentation at https://developers.facebook.com/docs/graph-api",
        code=100,
        type_="GraphMethodException",
        subcode=33,
    )


def unknown_path() -> GraphError:
    return GraphError("Unknown path components", code=2500)


def throttled() -> GraphError:
    return GraphError(
        "(#80014) There have been too many calls for the catalog batch API. "
        "Please wait a bit and try again.",
        code=80014,
    )


def server_error(status: int = 500) -> GraphError:
    return GraphError(
        "An unexpected error has occurred. Please retry your request later.",
        code=2,
        type_="OAuthException",
        status=status,
    )
