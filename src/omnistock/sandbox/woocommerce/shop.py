"""The whole simulated shop: catalog, orders, webhooks and the webhook sender."""

from __future__ import annotations

import random
from datetime import datetime

from omnistock.sandbox.common.base import SandboxBase, SandboxOptions
from omnistock.sandbox.woocommerce import render
from omnistock.sandbox.woocommerce.catalog import Catalog, Item
from omnistock.sandbox.woocommerce.delivery import Dispatcher
from omnistock.sandbox.woocommerce.demo import seed_demo
from omnistock.sandbox.woocommerce.orders import Order, OrderBook
from omnistock.sandbox.woocommerce.webhooks import WebhookRegistry


class WooShop(SandboxBase):
    """State of one WooCommerce sandbox; ``reset`` returns to the seeded start.

    The API key pair is ``options.client_id`` / ``options.client_secret`` (consumer key and
    consumer secret).
    """

    def __init__(self, options: SandboxOptions) -> None:
        super().__init__(options)
        self.consumer_key = options.client_id
        self.consumer_secret = options.client_secret
        self.buyers = random.Random(options.seed)
        self.webhooks = WebhookRegistry()
        self.dispatcher = Dispatcher(
            self.webhooks, self.clock.now, random.Random(options.seed + 1), self.injector
        )
        self.catalog = Catalog()
        self.orders = OrderBook(self.catalog)
        self.base_url = "http://127.0.0.1"
        self.reset_state()

    def now(self) -> datetime:
        """Sandbox time at MySQL ``DATETIME`` resolution (whole seconds), as WordPress stores it."""
        return self.clock.now().replace(microsecond=0)

    def reset_state(self) -> None:
        self.buyers.seed(self.options.seed)
        self.webhooks.hooks.clear()
        self.webhooks.next_id = 1
        self.dispatcher.clear()
        self.catalog.items.clear()
        self.catalog.next_id = 10
        self.orders.orders.clear()
        self.orders.next_id = 1001
        if not self.options.empty:
            seed_demo(self.catalog, self.now())

    def product_changed(self, item: Item, event: str = "updated") -> None:
        """Fire ``product.<event>`` for a product (variations have no core product topic)."""
        if item.parent_id:
            return
        if event == "deleted":
            self.dispatcher.emit("product.deleted", lambda: {"id": item.id})
        else:
            self.dispatcher.emit(f"product.{event}", lambda: render.product(item, self.base_url))

    def order_changed(self, order: Order, event: str) -> None:
        self.dispatcher.emit(f"order.{event}", lambda: render.order(order, self.base_url))
