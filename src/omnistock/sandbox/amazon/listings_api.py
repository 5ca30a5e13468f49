"""Listings Items API 2021-08-01: ``getListingsItem`` and ``patchListingsItem``.

A valid patch is ``ACCEPTED`` and applied ``async_delay_seconds`` later (sandbox time);
semantic problems (unknown SKU, bad quantity, nested path) make it ``INVALID`` with issues;
``mode=VALIDATION_PREVIEW`` only validates (``VALID``/``INVALID``). The model's static
sandbox case ``BadSKU`` answers 400.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from jsonschema import Draft7Validator

from omnistock.sandbox.amazon.account import SELLER_ID
from omnistock.sandbox.amazon.errors import SpApiError
from omnistock.sandbox.amazon.issues import Issue, unknown_sku
from omnistock.sandbox.amazon.order_search import csv_values
from omnistock.sandbox.amazon.patching import check_patches
from omnistock.sandbox.amazon.render import render_item
from omnistock.sandbox.amazon.sandbox import AmazonSandbox
from omnistock.sandbox.amazon.spapi import check_seller, guard, json_body, marketplaces, sp_json
from omnistock.sandbox.amazon.usage import UsagePlan

__all__ = ["listings_router"]

ITEM_PATH = "/listings/2021-08-01/items/{sellerId}/{sku:path}"  # SKUs may hold "/" (%2F)
GET_INCLUDED = frozenset(
    {
        "summaries",
        "attributes",
        "issues",
        "offers",
        "fulfillmentAvailability",
        "procurement",
        "relationships",
        "productTypes",
    }
)
PATCH_INCLUDED = frozenset({"identifiers", "issues"})
PATCH_REQUEST = Draft7Validator(
    {
        "type": "object",
        "required": ["productType", "patches"],
        "properties": {
            "productType": {"type": "string", "minLength": 1},
            "patches": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["op", "path"],
                    "properties": {
                        "op": {"enum": ["add", "replace", "merge", "delete"]},
                        "path": {"type": "string"},
                        "value": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
    }
)


def _bad_request(plan: UsagePlan, message: str = "Invalid input") -> SpApiError:
    return SpApiError(400, "BAD_REQUEST", message, message, limit=plan.header)


def _included(request: Request, allowed: frozenset[str], default: str, plan: UsagePlan) -> set[str]:
    values = csv_values(request.query_params.getlist("includedData")) or [default]
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise _bad_request(plan, f"Invalid includedData: {', '.join(unknown)}.")
    return set(values)


def _patch_body(body: Any, plan: UsagePlan) -> dict[str, Any]:
    error = next(iter(PATCH_REQUEST.iter_errors(body)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "body"
        raise _bad_request(plan, f"Invalid request body at {where}: {error.message}")
    result: dict[str, Any] = body
    return result


def _submission(sku: str, status: str, issues: list[Issue], included: set[str]) -> dict[str, Any]:
    body: dict[str, Any] = {"sku": sku, "status": status, "submissionId": uuid.uuid4().hex}
    if "issues" in included:
        body["issues"] = [issue.for_listings_api() for issue in issues]
    return body


def listings_router(sandbox: AmazonSandbox) -> APIRouter:
    """Routes bound to ``sandbox``."""
    router = APIRouter()

    @router.get(ITEM_PATH)
    async def get_listings_item(request: Request, sellerId: str, sku: str) -> JSONResponse:
        plan = guard(sandbox, request, "getListingsItem")
        check_seller(sellerId)
        markets = marketplaces(request, plan)
        if sku == "BadSKU":
            raise _bad_request(plan)
        included = _included(request, GET_INCLUDED, "summaries", plan)
        sandbox.settle()
        listing = sandbox.listings.get(sku)
        if listing is None:
            raise SpApiError(
                404,
                "NOT_FOUND",
                f"SKU '{sku}' not found in marketplace {markets[0]}",
                limit=plan.header,
            )
        return sp_json(render_item(listing, included, markets), plan)

    @router.patch(ITEM_PATH)
    async def patch_listings_item(request: Request, sellerId: str, sku: str) -> JSONResponse:
        plan = guard(sandbox, request, "patchListingsItem")
        check_seller(sellerId)
        markets = marketplaces(request, plan)
        if sku == "BadSKU":
            raise _bad_request(plan)
        preview = _preview_mode(request, plan)
        if preview:
            sandbox.throttle.spend_preview(SELLER_ID)
        included = _included(request, PATCH_INCLUDED, "issues", plan)
        if "identifiers" in included and not preview:
            raise _bad_request(plan, "includedData 'identifiers' requires mode VALIDATION_PREVIEW.")
        body = _patch_body(await json_body(request, plan), plan)
        sandbox.settle()
        issues = check_patches(body["patches"]) if sandbox.listings.get(sku) else [unknown_sku(sku)]
        status = "INVALID" if issues else ("VALID" if preview else "ACCEPTED")
        answer = _submission(sku, status, issues, included)
        if "identifiers" in included:
            listing = sandbox.listings.get(sku)
            answer["identifiers"] = (
                [{"marketplaceId": m, "asin": listing.asin} for m in markets] if listing else []
            )
        if status == "ACCEPTED":
            _schedule_patch(sandbox, sku, body["patches"])
        return sp_json(answer, plan)

    return router


def _preview_mode(request: Request, plan: UsagePlan) -> bool:
    mode = request.query_params.get("mode")
    if mode not in (None, "VALIDATION_PREVIEW"):
        raise _bad_request(plan, f"Invalid mode: {mode}.")
    return mode == "VALIDATION_PREVIEW"


def _schedule_patch(sandbox: AmazonSandbox, sku: str, patches: list[dict[str, Any]]) -> None:
    sandbox.schedule(
        sandbox.clock.now() + timedelta(seconds=sandbox.async_delay()),
        lambda at: sandbox.listings.patch(sku, patches, at),
    )
