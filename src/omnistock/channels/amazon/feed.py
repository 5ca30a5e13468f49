"""``JSON_LISTINGS_FEED`` documents and their processing reports (pure).

Each batch item becomes one message ``{"messageId": n, "sku", "operationType": "PATCH",
"productType", "patches": [replace /attributes/fulfillment_availability]}`` with ``n`` its
1-based position. The processing report's ``issues`` carry ``messageId`` and ``severity``:
an ``ERROR`` makes that item fail (``InternalFailure`` retryable, any other code permanent);
warnings do not. A FATAL feed fails every item with the report's first issue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from omnistock.channels.base import ItemResult, ItemStatus, PushItem

__all__ = ["RETRYABLE_ISSUES", "availability_patch", "feed_document", "report_results"]

RETRYABLE_ISSUES = frozenset({"InternalFailure", "QuotaExceeded"})


def availability_patch(quantity: int, channel_code: str = "DEFAULT") -> list[dict[str, Any]]:
    """The Listings patch setting the merchant-fulfilled quantity."""
    value = [{"fulfillment_channel_code": channel_code, "quantity": quantity}]
    return [{"op": "replace", "path": "/attributes/fulfillment_availability", "value": value}]


def feed_document(
    seller_id: str, items: Sequence[PushItem], product_type: str, channel_code: str
) -> dict[str, Any]:
    """The feed body for ``items``."""
    return {
        "header": {"sellerId": seller_id, "version": "2.0", "issueLocale": "en_US"},
        "messages": [
            {
                "messageId": n,
                "sku": item.offer_id,
                "operationType": "PATCH",
                "productType": product_type,
                "patches": availability_patch(item.quantity, channel_code),
            }
            for n, item in enumerate(items, start=1)
        ],
    }


def _failed(offer_id: str, issue: Mapping[str, Any]) -> ItemResult:
    code = str(issue.get("code") or "ERROR")
    return ItemResult(
        offer_id=offer_id,
        status=ItemStatus.RETRYABLE if code in RETRYABLE_ISSUES else ItemStatus.PERMANENT,
        code=code,
        message=str(issue.get("message") or "") or None,
    )


def report_results(
    items: Sequence[PushItem], report: Mapping[str, Any], fatal: bool
) -> tuple[ItemResult, ...]:
    """Per-item results from a processing report (``fatal``: the feed ended FATAL)."""
    issues = [i for i in report.get("issues", []) if isinstance(i, dict)]
    if fatal:
        first = issues[0] if issues else {"code": "FATAL", "message": "feed processing failed"}
        return tuple(_failed(item.offer_id, first) for item in items)
    errors: dict[int, Mapping[str, Any]] = {}
    for issue in issues:
        if issue.get("severity") == "ERROR" and isinstance(issue.get("messageId"), int):
            errors.setdefault(issue["messageId"], issue)
    return tuple(
        _failed(item.offer_id, errors[n])
        if n in errors
        else ItemResult(offer_id=item.offer_id, status=ItemStatus.OK)
        for n, item in enumerate(items, start=1)
    )
