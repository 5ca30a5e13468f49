"""Simulated buyers on the order-taking channels, through the sandboxes' admin routes.

A buyer picks a channel (Allegro, the shop, Amazon) and an offer (half of them one of the
bestsellers) and buys one or two units; the sandbox accepts only what the offer still shows.
Every accepted order is kept in :attr:`Buyers.sales` — the sandboxes' own record of what sold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from omnistock.demo.seed import Shop
from omnistock.demo.stage import Stage
from omnistock.domain.ids import Sku

__all__ = ["Buyers", "Sale", "valid_nip"]

SANDBOX_OF = {"allegro-main": "allegro", "sklep": "woocommerce", "amazon-pl": "amazon"}
WEIGHTS = (0.45, 0.35, 0.20)
B2B_SHARE = 0.3
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sale:
    """One order a sandbox accepted: channel account, its order id, the SKU and units."""

    channel: str
    order_id: str
    sku: Sku
    quantity: int


def valid_nip(rng: random.Random) -> str:
    """A random NIP with a correct check digit (a buyer company's tax number)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@dataclass
class Buyers:
    """Places orders; ``sales`` are the accepted ones, ``refused`` counts sold-out answers."""

    stage: Stage
    shop: Shop
    rng: random.Random
    sales: list[Sale] = field(default_factory=list)
    refused: int = 0
    errors: int = 0
    companies: int = 0

    def arrive(self, count: int) -> None:
        for _ in range(count):
            channel = self.rng.choices(list(SANDBOX_OF), WEIGHTS)[0]
            self.buy(channel, self._pick(channel), self.rng.choice((1, 1, 1, 2)))

    def _pick(self, channel: str) -> Sku:
        listed = list(self.shop.listed(channel))
        if self.rng.random() < 0.5:
            return self.rng.choice(listed[:40])
        return self.rng.choice(listed)

    def buy(self, channel: str, sku: Sku, quantity: int) -> None:
        offer = self.shop.listed(channel)[sku]
        response = self.stage.admins[SANDBOX_OF[channel]].post(
            "/_sandbox/orders", json=self._body(channel, offer, sku, quantity)
        )
        if response.status_code == 201:
            order_id = _order_id(channel, response.json())
            self.sales.append(Sale(channel=channel, order_id=order_id, sku=sku, quantity=quantity))
        elif response.status_code in (409, 422):
            self.refused += 1
        else:
            self.errors += 1

    def _body(self, channel: str, offer: str, sku: Sku, quantity: int) -> dict[str, Any]:
        if channel == "allegro-main":
            body: dict[str, Any] = {"lines": [{"offer_id": offer, "quantity": quantity}]}
            if self.rng.random() < B2B_SHARE or not self.companies:
                self.companies += 1  # the first Allegro buyer is a company: an invoice early
                nip = valid_nip(self.rng)
                body["invoice"] = {"nip": nip, "company_name": f"Firma {nip[-4:]} sp. z o.o."}
            return body
        if channel == "sklep":
            return {"lines": [{"sku": str(sku), "quantity": quantity}], "status": "processing"}
        return {"items": [{"sku": offer, "quantity": quantity}]}


def _order_id(channel: str, body: dict[str, Any]) -> str:
    return str(body["orderId"] if channel == "amazon-pl" else body["id"])
