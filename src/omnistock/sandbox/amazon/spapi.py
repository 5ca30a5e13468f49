"""What every SP-API route shares: the access-token check, throttling, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from omnistock.sandbox.amazon.account import MARKETPLACES, SELLER_ID
from omnistock.sandbox.amazon.errors import SpApiError, error_list, request_id_headers
from omnistock.sandbox.amazon.lwa import TokenCheck
from omnistock.sandbox.amazon.order_search import csv_values
from omnistock.sandbox.amazon.sandbox import AmazonSandbox
from omnistock.sandbox.amazon.usage import UsagePlan

__all__ = [
    "check_seller",
    "guard",
    "install_spapi_errors",
    "json_body",
    "marketplaces",
    "query_lists",
    "sp_json",
]

_TOKEN_DETAILS = {
    TokenCheck.MISSING: "Access token is missing in the request header.",
    TokenCheck.INVALID: "The access token you provided is revoked, malformed or invalid.",
    TokenCheck.EXPIRED: "The access token you provided has expired.",
}


def guard(sandbox: AmazonSandbox, request: Request, operation: str) -> UsagePlan:
    """403 without a valid ``x-amz-access-token``, 429 when the operation's bucket is empty."""
    check = sandbox.lwa.check(request.headers.get("x-amz-access-token"), sandbox.clock.now())
    if check is not TokenCheck.VALID:
        raise SpApiError(
            403, "Unauthorized", "Access to requested resource is denied.", _TOKEN_DETAILS[check]
        )
    return sandbox.throttle.spend(operation, SELLER_ID)


def check_seller(seller_id: str) -> None:
    """Only the authorized selling partner's resources are reachable."""
    if seller_id != SELLER_ID:
        raise SpApiError(
            403,
            "Unauthorized",
            "Access to requested resource is denied.",
            "The selling partner has not authorized this application.",
        )


def query_lists(request: Request) -> dict[str, list[str]]:
    """Query parameters as name → every value."""
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    return params


def marketplaces(request: Request, plan: UsagePlan, *, required: bool = True) -> list[str]:
    """``marketplaceIds`` (csv), each one a known marketplace."""
    values = csv_values(request.query_params.getlist("marketplaceIds"))
    if required and not values:
        raise SpApiError(
            400, "InvalidInput", "Missing required parameter: marketplaceIds.", limit=plan.header
        )
    unknown = [value for value in values if value not in MARKETPLACES]
    if unknown:
        raise SpApiError(
            400, "InvalidInput", f"Invalid marketplaceIds: {', '.join(unknown)}.", limit=plan.header
        )
    return values


async def json_body(request: Request, plan: UsagePlan) -> Any:
    """The request body as JSON, or 415 (not JSON content) / 400 (unparseable)."""
    content_type = request.headers.get("content-type", "application/json")
    if "json" not in content_type.lower():
        raise SpApiError(
            415, "UnsupportedMediaType", f"Content type '{content_type}' is not supported."
        )
    try:
        return json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpApiError(
            400, "InvalidInput", "The request body is not valid JSON.", str(exc), limit=plan.header
        ) from None


def sp_json(body: Any, plan: UsagePlan, status: int = 200) -> JSONResponse:
    """A successful SP-API answer with ``x-amzn-RequestId`` and ``x-amzn-RateLimit-Limit``."""
    headers = {**request_id_headers(), "x-amzn-RateLimit-Limit": plan.header}
    return JSONResponse(body, status_code=status, headers=headers)


def install_spapi_errors(app: FastAPI) -> None:
    """Render ``SpApiError`` as an ``ErrorList`` (the rate-limit header only where documented)."""

    async def on_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SpApiError)
        headers = request_id_headers()
        if exc.limit is not None and exc.status in (400, 404):
            headers["x-amzn-RateLimit-Limit"] = exc.limit
        body = error_list(exc.code, exc.message, exc.details)
        return JSONResponse(body, status_code=exc.status, headers=headers)

    app.add_exception_handler(SpApiError, on_error)
