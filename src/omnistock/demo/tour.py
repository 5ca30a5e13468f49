"""The tour's cycles: buyers, order import, invoices to KSeF, the worker, the all-zero feed.

Time is compressed: each cycle moves omnistock's clock and every sandbox clock forward by
``cycle_s`` virtual seconds (token expiry, rate windows and asynchronous work follow), so a
minute of wall time covers an afternoon of trading.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from omnistock.bootstrap import App
from omnistock.channels.base import ChannelError
from omnistock.demo.buyers import Buyers
from omnistock.demo.seed import SOURCE, Shop, make_shop, seed_database, seed_sandboxes, stock_feed
from omnistock.demo.stage import Stage
from omnistock.domain.errors import Conflict, DomainError
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import NotificationPolicy
from omnistock.service.clock import FixedClock
from omnistock.service.holds import FeedRejected, SafetyParts, safety_parts
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoices import issue_for_order, send_pending
from omnistock.service.notifications import AlertsTick, tick_notifier
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.orders import import_channel
from omnistock.service.stock import import_stock
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.unit_of_work import SqlUnitOfWork
from omnistock.sync.dispatcher import SyncConfig
from omnistock.sync.worker import Worker

__all__ = ["FAULTS", "Tour"]

FAULTS: dict[str, dict[str, Any]] = {
    "allegro": {"error_rate": 0.03, "latency_ms": [1, 8], "duplicate_event_rate": 0.2,
                "reorder_events": True, "burst_429": {"every": 40, "length": 2}},
    "woocommerce": {"error_rate": 0.03, "latency_ms": [1, 8], "drop_rate": 0.01,
                    "burst_429": {"every": 30, "length": 2, "retry_after": True}},
    "amazon": {"error_rate": 0.03, "latency_ms": [1, 8],
               "burst_429": {"every": 25, "length": 1, "retry_after": True}},
    "meta": {"error_rate": 0.05, "latency_ms": [1, 8]},
}  # fmt: skip
"""429 bursts, 5xx answers, latency, a dropped connection now and then, duplicated and
reordered Allegro order events."""


@dataclass
class Log:
    """What the tour did, for the live summary."""

    cycles: int = 0
    import_failures: int = 0
    zero_feed: str = "pending"
    invoice_failures: int = 0
    notes: list[str] = field(default_factory=list)


class Tour:
    """One demo run over a started ``stage`` and a migrated ``app`` (with a ``FixedClock``)."""

    def __init__(self, app: App, stage: Stage, *, seed: int, cycle_s: float = 20.0) -> None:
        self.app, self.stage, self.cycle_s = app, stage, cycle_s
        self.clock: FixedClock = app.clock  # type: ignore[assignment]
        self.rng = random.Random(seed)
        self.shop: Shop = make_shop(self.rng)
        self.parts: SafetyParts = safety_parts(app.engine, {})
        self.log = Log()
        self.physical: dict[Sku, int] = dict(self.shop.stock)
        self.invoices: list[int] = []
        self._tried: set[tuple[str, str]] = set()
        self.compliance: Any = None
        self.zero_feed: dict[str, int] | None = None
        self.unread: set[str] = set()
        """Order feeds not read to the end since the last buyer (settling waits for them)."""

    # -- start -------------------------------------------------------------------------------
    def start(self, sealer: PrivacySealer, invoicing: InvoicingConfig) -> None:
        """Seed the database and the sandboxes, connect the adapters, build the worker."""
        self.sealer, self.invoicing = sealer, invoicing
        seed_database(self.app.engine, self.shop, self.parts, self.clock.now())
        adapters = self.stage.connect()
        seed_sandboxes(self.stage, self.shop, self.parts.sync)
        self.feeds = self.stage.feeds()
        self.ksef = self.stage.ksef()
        self.buyers = Buyers(self.stage, self.shop, self.rng)
        senders = self.stage.senders()
        self.alerts = AlertsTick(
            sync=self.parts.sync, safety=self.parts.safety, incidents=self.parts.incidents,
            holder="demo", policy=NotificationPolicy(enabled=frozenset(senders)),
            notifier=tick_notifier(senders),
        )  # fmt: skip
        config = SyncConfig(
            guard=self.parts.guard, reread=self.parts.reread, paused=self.parts.paused
        )
        self.worker = Worker(
            store=self.parts.sync, adapters=adapters, clock=self.clock, holder="demo",
            config=config, rng=random.Random(self.rng.random()), tick=[self.alerts],
        )  # fmt: skip
        # linking accounts: read what every channel shows (its offers were listed before
        # omnistock came), so the guard has a baseline and nothing already right is re-sent
        self.worker.reconcile()
        self.worker.run_once()

    # -- one cycle ---------------------------------------------------------------------------
    def cycle(self, buyers: int) -> None:
        """Time moves on, buyers buy, orders come in, invoices go out, the worker pushes."""
        self.clock.advance(timedelta(seconds=self.cycle_s))
        self.stage.advance(self.cycle_s)
        self.buyers.arrive(buyers)
        self.import_orders()
        self.issue_invoices()
        self.worker.run_once()
        self.log.cycles += 1

    def import_orders(self) -> None:
        engine = self.app.engine
        for name, feed in self.feeds.items():
            try:
                import_channel(
                    lambda: OrderUnitOfWork(engine), feed, sealer=self.sealer,
                    contacts=ContactPolicy(), clock=self.clock,
                )  # fmt: skip
            except ChannelError:  # 5xx/429: the cursor did not move; the next cycle retries
                self.log.import_failures += 1
            else:
                self.unread.discard(name)

    def issue_invoices(self) -> None:
        """Invoices for new paid B2B orders (the service refuses consumers), sent to KSeF."""
        uow = OrderUnitOfWork(self.app.engine)
        for sale in self.buyers.sales:
            key = (sale.channel, sale.order_id)
            if key in self._tried:
                continue
            with uow:
                order = uow.orders.find(ChannelId(sale.channel), sale.order_id)
            if order is None:
                continue  # not imported yet
            self._tried.add(key)
            self._issue(order.id)
        if self.invoices:
            send_pending(InvoiceUnitOfWork(self.app.engine), self.ksef, self.clock.now(),
                         incidents=self.parts.incidents)  # fmt: skip

    def _issue(self, order_id: int) -> None:
        try:
            stored = issue_for_order(
                InvoiceUnitOfWork(self.app.engine), order_id, now=self.clock.now(),
                config=self.invoicing, sealer=self.sealer, incidents=self.parts.incidents,
            )  # fmt: skip
        except Conflict:
            return  # a consumer's order without an invoice request
        except DomainError:
            self.log.invoice_failures += 1
            return
        self.invoices.append(stored.id)

    # -- the all-zero feed -------------------------------------------------------------------
    def inject_zero_feed(self) -> None:
        """The ERP sends a feed with every SKU at 0 (a broken export)."""
        zero = dict.fromkeys(self.shop.stock, 0)
        self._feed(zero, "all-zero feed imported; the worker must hold it")
        self.log.zero_feed = "injected"

    def correct_feed(self) -> None:
        """The ERP's next, correct feed (with a small delivery): the held set is superseded."""
        for sku in list(self.shop.stock)[:3]:
            self.physical[sku] += 5
        self._feed(self.physical, "corrected feed imported; held changes superseded")
        self.log.zero_feed = "corrected feed imported"

    def _feed(self, stock: dict[Sku, int], note: str) -> None:
        try:
            import_stock(SqlUnitOfWork(self.app.engine), stock_feed(stock), source=SOURCE,
                         actor="demo", now=self.clock.now(), gate=self.parts.gate)  # fmt: skip
        except FeedRejected as exc:
            note = f"feed rejected at the gate: {exc}"
        self.log.notes.append(note)

    # -- the end -----------------------------------------------------------------------------
    def settle(self, faults_off: Callable[[], None], max_cycles: int = 30) -> None:
        """Faults off, no more buyers: cycles until every order feed was read to the end and
        nothing is dirty, then a reconcile pass.

        Amazon's ``searchOrders`` refills one request per 180 s once its burst of 20 is spent,
        so after a long trading phase its feed may answer 429 for several cycles: the last
        orders are imported only when a read succeeds, and their stock effect pushed after.
        """
        faults_off()
        self.unread = set(self.feeds)
        for _ in range(max_cycles):
            self.cycle(0)
            if not self.unread and not self.dirty():
                break
        if self.unread:
            self.log.notes.append(f"order feeds not read after settling: {sorted(self.unread)}")
        self.worker.reconcile()
        for _ in range(3):
            self.cycle(0)

    def dirty(self) -> int:
        return sum(self.parts.sync.dirty_count(name) for name in self.shop.offers)
