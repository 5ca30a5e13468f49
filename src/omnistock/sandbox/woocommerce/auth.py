"""Consumer key/secret authentication (``WC_REST_Authentication``).

HTTP Basic (``consumer_key:consumer_secret``) or the query-string fallback. WooCommerce accepts
Basic only over HTTPS; the sandbox listens on plain loopback HTTP and accepts it anyway.
Without credentials the route's permission check fails with 401 ``woocommerce_rest_cannot_*``.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from starlette.requests import Request

from omnistock.sandbox.woocommerce.errors import WooError

_DENIED = {
    "GET": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "POST": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "PUT": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "PATCH": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "DELETE": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
}
_BATCH = (
    "woocommerce_rest_cannot_batch",
    "Sorry, you are not allowed to batch manipulate this resource.",
)


def _credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        key, _, secret = decoded.partition(":")
        return key, secret
    query_key = request.query_params.get("consumer_key")
    query_secret = request.query_params.get("consumer_secret")
    if query_key is not None and query_secret is not None:
        return query_key, query_secret
    return None


def authenticate(request: Request, consumer_key: str, consumer_secret: str) -> None:
    """Raise the WooCommerce 401 unless the request carries the shop's API key pair."""
    given = _credentials(request)
    if given is None:
        batch = request.url.path.endswith("/batch")
        code, message = _BATCH if batch else _DENIED.get(request.method, _DENIED["GET"])
        raise WooError(code, message, 401)
    if not hmac.compare_digest(given[0].encode(), consumer_key.encode()):
        raise WooError("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401)
    if not hmac.compare_digest(given[1].encode(), consumer_secret.encode()):
        raise WooError("woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401)
