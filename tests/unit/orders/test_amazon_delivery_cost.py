"""Amazon's delivery charge (``includedData=PROCEEDS``, Orders 2026-01-01 model) becomes the
order's ``delivery_gross`` so the invoice gets its delivery line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from omnistock.channels.amazon.order_details import INCLUDED, parse_amazon_order
from omnistock.domain.ids import ChannelId


def _money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currencyCode": "PLN"}


def _item(item_id: str, breakdowns: list[dict[str, Any]] | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "orderItemId": item_id,
        "quantityOrdered": 1,
        "product": {"sellerSku": "S", "price": {"unitPrice": _money("49.99")}},
    }
    if breakdowns is not None:
        item["proceeds"] = {"breakdowns": breakdowns}
    return item


def _order(items: list[dict[str, Any]], proceeds: list[dict[str, Any]] | None = None) -> Any:
    raw: dict[str, Any] = {
        "orderId": "402-1234567-1234567",
        "lastUpdatedTime": "2026-11-27T10:00:00Z",
        "fulfillment": {"fulfillmentStatus": "UNSHIPPED"},
        "orderItems": items,
    }
    if proceeds is not None:
        raw["proceeds"] = {"breakdowns": proceeds}
    return parse_amazon_order(ChannelId("amazon"), raw)


ITEM = {"type": "ITEM", "subtotal": _money("49.99")}


@pytest.mark.parametrize(
    ("items", "order_level", "delivery"),
    [
        # per item: SHIPPING subtotals of every item add up
        (
            [
                _item("1", [ITEM, {"type": "SHIPPING", "subtotal": _money("8.00")}]),
                _item("2", [ITEM, {"type": "SHIPPING", "subtotal": _money("4.99")}]),
            ],
            None,
            Decimal("12.99"),
        ),
        # net shipping plus the TAX part whose detailed subtype is SHIPPING (not ITEM's tax)
        (
            [
                _item(
                    "1",
                    [
                        ITEM,
                        {"type": "SHIPPING", "subtotal": _money("10.00")},
                        {
                            "type": "TAX",
                            "subtotal": _money("11.50"),
                            "detailedBreakdowns": [
                                {"subtype": "ITEM", "value": _money("9.20")},
                                {"subtype": "SHIPPING", "value": _money("2.30")},
                            ],
                        },
                    ],
                ),
            ],
            None,
            Decimal("12.30"),
        ),
        # items without proceeds: the order-level SHIPPING category
        (
            [_item("1", None)],
            [ITEM, {"type": "SHIPPING", "subtotal": _money("9.99")}],
            Decimal("9.99"),
        ),
        # proceeds without a shipping charge, or no proceeds at all: nothing to invoice
        ([_item("1", [ITEM])], None, None),
        ([_item("1", None)], None, None),
    ],
)
def test_delivery_cost_from_proceeds(
    items: list[dict[str, Any]], order_level: list[dict[str, Any]] | None, delivery: Decimal | None
) -> None:
    assert _order(items, order_level).delivery_gross == delivery


def test_the_feed_asks_for_proceeds() -> None:
    assert "PROCEEDS" in INCLUDED.split(",")
