"""WordPress REST errors as the WooCommerce API answers them: ``{"code","message","data"}``."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


class WooError(Exception):
    """A WP_Error: answered with its HTTP status and WordPress's JSON error body."""

    def __init__(self, code: str, message: str, status: int, **data: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.data = data

    def body(self) -> dict[str, Any]:
        """The error object as WordPress serialises it (also used inside batch items)."""
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.data},
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def invalid_param(name: str, reason: str) -> WooError:
    """WordPress's schema-validation failure for one request parameter."""
    return WooError(
        "rest_invalid_param", f"Invalid parameter(s): {name}", 400, params={name: reason}
    )


def invalid_id(kind: str, status: int) -> WooError:
    """``woocommerce_rest_<post type>_invalid_id`` (404 on read, 400 on update)."""
    return WooError(f"woocommerce_rest_{kind}_invalid_id", "Invalid ID.", status)


def no_route() -> WooError:
    return WooError("rest_no_route", "No route was found matching the URL and request method.", 404)


def server_error(status: int = 500) -> WooError:
    """What a PHP fatal error looks like through the REST API."""
    return WooError(
        "internal_server_error",
        "<p>There has been a critical error on this website.</p>",
        status,
    )
