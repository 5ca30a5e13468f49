"""The Meta sandbox's state: catalogs, batch handles and the Catalog Batch rate limit."""

from __future__ import annotations

import json
import math
from datetime import datetime

from omnistock.sandbox.common.base import SandboxBase, SandboxOptions
from omnistock.sandbox.common.ratelimit import SlidingWindow
from omnistock.sandbox.meta.batches import BatchQueue
from omnistock.sandbox.meta.catalog import Catalog

DEFAULT_CATALOG_ID = "100000000000001"
BATCH_CALLS_PER_WINDOW = 100  # "up to 100 calls per hour" (catalog best practices)
BATCH_WINDOW_SECONDS = 3600.0
MAX_REQUESTS_PER_BATCH = 5000
MAX_PAYLOAD_BYTES = 28 * 1024 * 1024  # "≤ 28 MB" per items_batch call

_DEMO = (
    ("KUBEK-001", "Kubek ceramiczny 330 ml", "39.90 PLN", 25),
    ("KOC-002", "Koc bawełniany 150x200", "149.00 PLN", 8),
    ("SWIECA-003", "Świeca sojowa lawenda", "29.99 PLN", 0),
)


class MetaSandbox(SandboxBase):
    """Catalogs by id; the access token is ``options.client_secret``."""

    def __init__(self, options: SandboxOptions) -> None:
        super().__init__(options)
        self.access_token = options.client_secret
        self.catalogs: dict[str, Catalog] = {}
        self.batches = BatchQueue()
        self.limit = SlidingWindow(BATCH_CALLS_PER_WINDOW, BATCH_WINDOW_SECONDS, self.clock)
        self.max_requests = MAX_REQUESTS_PER_BATCH
        self.max_payload_bytes = MAX_PAYLOAD_BYTES
        self.reset_state()

    def now(self) -> datetime:
        return self.clock.now()

    def reset_state(self) -> None:
        self.catalogs = {DEFAULT_CATALOG_ID: Catalog(DEFAULT_CATALOG_ID)}
        self.batches = BatchQueue()
        self.limit.reset()
        if not self.options.empty:
            catalog = self.catalogs[DEFAULT_CATALOG_ID]
            for sku, title, price, quantity in _DEMO:
                catalog.add(sku, demo_fields(sku, title, price, quantity))

    def set_limit(self, calls: int, window_seconds: float) -> None:
        self.limit = SlidingWindow(calls, window_seconds, self.clock)

    def settle(self) -> None:
        """Apply every batch whose processing delay has passed."""
        self.batches.settle(self.catalogs, self.now(), self.injector.item_fails)

    def usage_header(self, catalog_id: str) -> dict[str, str]:
        """``X-Business-Use-Case-Usage`` for the Catalog Batch use case of one catalog."""
        used = self.limit.used(catalog_id)
        percent = min(100, used * 100 // self.limit.limit)
        wait = 0
        if used >= self.limit.limit:
            seconds = self.limit.hit(catalog_id).retry_after_seconds  # denied: spends nothing
            wait = max(1, math.ceil(seconds / 60))
        entry = {
            "type": "catalog_batch",
            "call_count": percent,
            "total_cputime": percent // 2,
            "total_time": percent // 2,
            "estimated_time_to_regain_access": wait,
        }
        return {"X-Business-Use-Case-Usage": json.dumps({catalog_id: [entry]})}


def demo_fields(sku: str, title: str, price: str, quantity: int) -> dict[str, object]:
    slug = sku.lower()
    return {
        "title": title,
        "description": title,
        "availability": "in stock" if quantity else "out of stock",
        "condition": "new",
        "price": price,
        "link": f"https://sklep.example.com/p/{slug}",
        "image_link": f"https://sklep.example.com/img/{slug}.jpg",
        "brand": "Sklep Przykładowy",
        "quantity_to_sell_on_facebook": quantity,
    }
