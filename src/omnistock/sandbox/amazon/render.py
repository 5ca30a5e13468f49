"""JSON shapes of listings items (``Item`` of listingsItems_2021-08-01)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from omnistock.sandbox.amazon.listings import Listing

__all__ = ["iso", "render_item"]


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``, as SP-API writes times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _summary(listing: Listing, marketplace_id: str) -> dict[str, Any]:
    buyable = (listing.quantity or 0) > 0
    return {
        "marketplaceId": marketplace_id,
        "asin": listing.asin,
        "productType": listing.product_type,
        "conditionType": "new_new",
        "status": ["BUYABLE", "DISCOVERABLE"] if buyable else ["DISCOVERABLE"],
        "itemName": listing.item_name,
        "createdDate": iso(listing.created),
        "lastUpdatedDate": iso(listing.updated),
    }


def _availability(listing: Listing) -> list[dict[str, Any]]:
    result = []
    for value in listing.attributes.get("fulfillment_availability", []):
        entry: dict[str, Any] = {"fulfillmentChannelCode": value.get("fulfillment_channel_code")}
        if isinstance(value.get("quantity"), int):
            entry["quantity"] = value["quantity"]
        result.append(entry)
    return result


def render_item(
    listing: Listing, included: Iterable[str], marketplace_ids: Iterable[str]
) -> dict[str, Any]:
    """The ``Item`` with the requested ``includedData`` sets the sandbox models."""
    wanted = set(included)
    item: dict[str, Any] = {"sku": listing.sku}
    if "summaries" in wanted:
        item["summaries"] = [_summary(listing, market) for market in marketplace_ids]
    if "attributes" in wanted:
        item["attributes"] = dict(listing.attributes)
    if "issues" in wanted:
        item["issues"] = []
    if "offers" in wanted:
        item["offers"] = []
    if "fulfillmentAvailability" in wanted:
        item["fulfillmentAvailability"] = _availability(listing)
    if "productTypes" in wanted:
        item["productTypes"] = [
            {"marketplaceId": market, "productType": listing.product_type}
            for market in marketplace_ids
        ]
    return item
