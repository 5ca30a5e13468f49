"""An Amazon order's delivery charge, read over real HTTP (``includedData=PROCEEDS``), is stored
as the order's invoice terms, so its invoice gets the delivery line."""

from __future__ import annotations

from decimal import Decimal

from orders_harness import Shop
from sqlalchemy import select

from omnistock.store.invoice_tables import invoice_order_terms
from omnistock.store.order_tables import orders


def test_amazon_delivery_charge_reaches_the_invoice_terms(shop: Shop) -> None:
    item = {"sku": shop.offers["amazon"], "quantity": 2, "unit_price": "30.00",
            "shipping_price": "12.99"}  # fmt: skip
    placed = shop.admins["amazon"].post("/_sandbox/orders", json={"items": [item]})
    assert placed.status_code == 201, placed.text
    free = {"sku": shop.offers["amazon"], "quantity": 1}  # free delivery: no delivery line
    shop.admins["amazon"].post("/_sandbox/orders", json={"items": [free]}).raise_for_status()
    assert shop.import_orders("amazon").created == 2
    with shop.engine.connect() as conn:
        terms = dict(
            conn.execute(
                select(orders.c.external_id, invoice_order_terms.c.delivery_gross).join(
                    invoice_order_terms, invoice_order_terms.c.order_id == orders.c.id
                )
            ).all()
        )
    assert terms[placed.json()["orderId"]] == Decimal("12.99")
    assert sorted(terms.values(), key=str) == [Decimal("12.99"), None]
