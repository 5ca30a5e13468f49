"""Sync engine benchmark: burst and steady scenarios against in-process baselines.

**Channels are the in-memory fake adapters** (``omnistock.channels.fake``) configured with each
channel's batch size and documented limits, in virtual time (a fixed clock advanced by the
benchmark), until the HTTP channel adapters exist. The store, planner, dispatcher, budget and
recovery are the real ones, on a temporary SQLite database (or ``--db URL``).

- **burst**: the whole trace committed through the stock service as fast as the store takes
  it; then workers run until every channel converged. ``api_calls`` (pushes) vs ``min_calls`` =
  Σ channels ⌈offers to push / max batch⌉; ``call_ratio``; ``events_per_s``; ``peak_rss_mb``.
- **steady**: ``--rate`` events/s for ``--steady-seconds`` (virtual), a worker pass every second;
  latency = committed change → batch confirmed by the channel (p50/p99), against polling every
  15 minutes (``baseline_*``) and one call per change (``naive_api_calls``).
- ``final_drift``: listings whose channel quantity ≠ desired after both scenarios.

``python -m benchmarks.sync_bench --json --skus 500 --events 2000`` runs a small case.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import select

from omnistock.bootstrap import App, bootstrap
from omnistock.channels.base import Capabilities, ChannelLimits
from omnistock.channels.fake import InMemoryChannel
from omnistock.config import Settings
from omnistock.domain.ids import DEFAULT_WAREHOUSE, ChannelId, ChannelKind, Sku
from omnistock.domain.listing import Listing
from omnistock.service import catalog, stock
from omnistock.service.clock import FixedClock
from omnistock.store.sync_repository import SyncStore
from omnistock.store.tables import listings
from omnistock.sync.worker import Worker

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)
POLL_BASELINE_S = 900.0


@dataclass(frozen=True)
class Change:
    """A listing's desired quantity moved by a committed stock change."""

    channel: str
    offer: str
    at: datetime
    desired: int


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    kind: ChannelKind
    caps: Capabilities


CHANNELS = (
    ChannelSpec(  # quantity command: 1000 offers, 9000 changes/min; zero ends the offer
        "allegro",
        ChannelKind.ALLEGRO,
        Capabilities(
            max_batch=1000,
            zero_means_end=True,
            limits=ChannelLimits(requests_per_window=9000, changes_per_window=9000, window_s=60),
            async_results=False,
        ),
    ),
    ChannelSpec(  # products/batch: 100 objects; no core limit, a polite 300 requests/min
        "shop",
        ChannelKind.WOOCOMMERCE,
        Capabilities(
            max_batch=100,
            zero_means_end=False,
            limits=ChannelLimits(requests_per_window=300, changes_per_window=30000, window_s=60),
            async_results=False,
        ),
    ),
    ChannelSpec(  # JSON_LISTINGS_FEED: 25 000 messages, 5 feeds per 5 minutes, async report
        "amazon",
        ChannelKind.AMAZON,
        Capabilities(
            max_batch=25000,
            zero_means_end=False,
            limits=ChannelLimits(requests_per_window=5, changes_per_window=125000, window_s=300),
            async_results=True,
        ),
    ),
    ChannelSpec(  # items_batch: 5000 items per call, "up to 100 calls per hour", async handles
        "meta",
        ChannelKind.META,
        Capabilities(
            max_batch=5000,
            zero_means_end=False,
            limits=ChannelLimits(requests_per_window=100, changes_per_window=500000, window_s=3600),
            async_results=True,
        ),
    ),
)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sync_bench", description=__doc__.splitlines()[0])
    p.add_argument("--skus", type=int, default=10_000)
    p.add_argument("--events", type=int, default=50_000)
    p.add_argument("--channels", type=int, default=4, choices=range(1, len(CHANNELS) + 1))
    p.add_argument("--rate", type=float, default=20.0)
    p.add_argument("--steady-seconds", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--zipf", type=float, default=1.1)
    p.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    p.add_argument("--json", action="store_true")
    return p.parse_args(list(argv))


class Bench:
    """One benchmark run: an app on a fresh database, fake channels, a worker, a trace."""

    def __init__(self, args: argparse.Namespace, db_url: str) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.clock = FixedClock(T0)
        self.app: App = bootstrap(
            Settings.from_env({}, db_url=db_url), clock=self.clock, migrate=True
        )
        self.specs = CHANNELS[: args.channels]
        self.fakes = {
            s.name: InMemoryChannel(name=s.name, capabilities=s.caps, clock=self.clock.now)
            for s in self.specs
        }
        self.store = SyncStore(self.app.engine)
        self.worker = Worker(
            store=self.store, adapters=self.fakes, clock=self.clock, rng=random.Random(args.seed)
        )
        self.skus = [Sku(f"SKU{i:06}") for i in range(args.skus)]
        self.levels = {sku: self.rng.randint(0, 50) for sku in self.skus}
        weights = [1 / (rank + 1) ** args.zipf for rank in range(args.skus)]
        self.cum = list(accumulate(weights))

    # -- set-up -----------------------------------------------------------------------------
    def seed_catalog(self) -> None:
        """Channels, products (CSV import), listings, initial stock; then a first full sync."""
        for spec in self.specs:
            catalog.add_channel(self.app.uow(), ChannelId(spec.name), spec.kind, now=T0)
        rows = "".join(f"{sku},Produkt {sku},,23,10.00\n" for sku in self.skus)
        catalog.import_products(self.app.uow(), "sku,name,ean,vat,price\n" + rows, now=T0)
        with self.app.uow() as uow:
            for sku in self.skus:
                for spec in self.specs:
                    uow.listings.add(
                        Listing(
                            channel=ChannelId(spec.name), sku=sku, offer_id=f"{spec.name}-{sku}"
                        )
                    )
            uow.commit()
        levels = "".join(f"{sku},main,{level}\n" for sku, level in self.levels.items())
        stock.import_stock(
            self.app.uow(),
            "sku,warehouse,on_hand\n" + levels,
            source="bench",
            actor="bench",
            now=T0,
        )
        self.converge()

    def set(self, sku: Sku, quantity: int) -> None:
        stock.set_stock(
            self.app.uow(),
            sku,
            quantity,
            warehouse=DEFAULT_WAREHOUSE,
            actor="bench",
            now=self.clock.now(),
        )

    def changed_offers(self, sku: Sku, at: datetime) -> list[Change]:
        """The listings whose desired this stock change moved, with the new desired value."""
        c = listings.c
        query = select(c.channel, c.offer_id, c.desired).where(c.sku == sku, c.observed_at >= at)
        with self.app.engine.connect() as conn:
            return [Change(r.channel, r.offer_id, at, r.desired) for r in conn.execute(query)]

    def event(self) -> tuple[Sku, int]:
        sku = self.rng.choices(self.skus, cum_weights=self.cum)[0]
        level = max(0, self.levels[sku] + self.rng.choice((-3, -2, -1, -1, 1, 2, 5)))
        self.levels[sku] = level
        return sku, level

    # -- running the engine -----------------------------------------------------------------
    def push_calls(self) -> int:
        return sum(len(f.call_log) for f in self.fakes.values())

    def poll_calls(self) -> int:
        return sum(f.polls for f in self.fakes.values())

    def busy(self) -> bool:
        for name in self.fakes:
            counts = self.store.state_counts(name)
            if counts.get("in_flight") or self.store.dirty_count(name) - _stuck(counts):
                return True
        return False

    def converge(self, max_passes: int = 100_000) -> int:
        passes = 0
        while self.busy() and passes < max_passes:
            runs = self.worker.run_once()
            waits = [r.budget_wait_s for r in runs if r.budget_wait_s > 0]
            self.clock.advance(seconds=max(1.0, min(waits)) if waits else 1.0)
            passes += 1
        return passes

    def drift(self) -> int:
        drift = 0
        for name, fake in self.fakes.items():
            wanted = self.store.listing_quantities(name)
            actual = fake.read_quantities(list(wanted))
            drift += sum(1 for o, (d, _) in wanted.items() if d is not None and actual.get(o) != d)
        return drift


def _stuck(counts: dict[str, int]) -> int:
    return counts.get("dead", 0) + counts.get("error", 0) + counts.get("held", 0)


def burst(bench: Bench) -> dict[str, Any]:
    events = [bench.event() for _ in range(bench.args.events)]
    started = time.perf_counter()
    for sku, level in events:
        bench.set(sku, level)
    elapsed = time.perf_counter() - started
    dirty = {s.name: bench.store.dirty_count(s.name) for s in bench.specs}
    min_calls = sum(math.ceil(dirty[s.name] / s.caps.max_batch) for s in bench.specs)
    calls0, polls0 = bench.push_calls(), bench.poll_calls()
    virtual0 = bench.clock.now()
    bench.converge()
    calls = bench.push_calls() - calls0
    return {
        "events": len(events),
        "events_per_s": round(len(events) / elapsed, 1),
        "offers_to_push": dirty,
        "api_calls": calls,
        "poll_calls": bench.poll_calls() - polls0,
        "min_calls": min_calls,
        "call_ratio": round(calls / min_calls, 3) if min_calls else 1.0,
        "burst_virtual_s": (bench.clock.now() - virtual0).total_seconds(),
    }


def steady(bench: Bench) -> dict[str, Any]:
    rate, seconds = bench.args.rate, bench.args.steady_seconds
    start = bench.clock.now()
    calls0 = bench.push_calls()
    committed: list[tuple[Sku, datetime]] = []
    shown_before = {
        s.name: bench.fakes[s.name].read_quantities(list(bench.store.listing_quantities(s.name)))
        for s in bench.specs
    }
    changed: list[Change] = []
    for second in range(seconds):
        n = _poisson(bench.rng, rate)
        for k in range(n):
            bench.clock.set(start + timedelta(seconds=second + k / max(n, 1)))
            sku, level = bench.event()
            bench.set(sku, level)
            committed.append((sku, bench.clock.now()))
            changed.extend(bench.changed_offers(sku, bench.clock.now()))
        bench.clock.set(start + timedelta(seconds=second + 1))
        bench.worker.run_once()
    bench.converge()
    latencies = _latencies(bench, changed, shown_before)
    naive = len(committed) * len(bench.specs)
    steady_calls = bench.push_calls() - calls0
    baseline = _poll_baseline(bench, changed, start)
    return {
        "steady_events": len(committed),
        "steady_listing_changes": len(changed),
        "p50_latency_s": _pct(latencies, 0.50),
        "p99_latency_s": _pct(latencies, 0.99),
        "per_channel_p99_latency_s": {
            s.name: _pct(_latencies(bench, changed, shown_before, only=s.name), 0.99)
            for s in bench.specs
        },
        "steady_api_calls": steady_calls,
        "naive_api_calls": naive,
        "steady_vs_naive": round(steady_calls / naive, 4) if naive else 0.0,
        **baseline,
    }


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _latencies(
    bench: Bench,
    changed: list[Change],
    shown_before: dict[str, Mapping[str, int]],
    only: str | None = None,
) -> list[float]:
    """Per listing change: seconds until the channel shows the then-desired (or a newer) value.

    Walks each offer's timeline of desired changes and confirmed pushes; a change that is
    reverted before it was pushed counts as settled when the revert is committed.
    """
    out: list[float] = []
    for spec in bench.specs:
        if only and spec.name != only:
            continue
        pushes: dict[str, list[tuple[datetime, int]]] = {}
        for offer, quantity, _, done in bench.store.confirmations(spec.name):
            pushes.setdefault(offer, []).append((done, quantity))
        mine = [c for c in changed if c.channel == spec.name]
        by_offer: dict[str, list[Change]] = {}
        for change in mine:
            by_offer.setdefault(change.offer, []).append(change)
        for offer, changes in by_offer.items():
            start = shown_before[spec.name].get(offer)
            out.extend(_settle_times(changes, sorted(pushes.get(offer, [])), start))
    return out


def _settle_times(
    changes: list[Change], pushes: list[tuple[datetime, int]], shown: int | None
) -> list[float]:
    # at equal times the push came first: the pass at second s+1 runs before its events
    events = sorted(
        [(c.at, 1, c.desired) for c in changes] + [(at, 0, q) for at, q in pushes],
        key=lambda e: (e[0], e[1]),
    )
    waiting: list[datetime] = []
    desired: int | None = None
    out: list[float] = []
    for at, kind, value in events:
        if kind == 1:
            desired = value
            waiting.append(at)
        else:
            shown = value
        if waiting and shown == desired:
            out.extend((at - t).total_seconds() for t in waiting)
            waiting = []
    out.extend(math.inf for _ in waiting)
    return out


def _poll_baseline(bench: Bench, changed: list[Change], start: datetime) -> dict[str, Any]:
    """Competitors' loop: read and push every offer every 15 minutes.

    A change waits for the next cycle: its latency is uniform on (0, 900 s]; each change gets a
    seeded random position in the cycle (a 60 s window would otherwise see one phase only).
    """
    lat = [POLL_BASELINE_S * (1 - bench.rng.random()) for _ in changed]
    span = max(POLL_BASELINE_S, bench.args.steady_seconds)
    cycles = math.ceil(span / POLL_BASELINE_S)
    per_cycle = sum(2 * math.ceil(len(bench.skus) / s.caps.max_batch) for s in bench.specs)
    return {
        "baseline_p99_latency_s": _pct(lat, 0.99),
        "baseline_api_calls": per_cycle * cycles,
    }


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        bench = Bench(args, url)
        try:
            bench.seed_catalog()
            result: dict[str, Any] = {
                "adapters": "in-memory fake (virtual time), not the HTTP sandboxes",
                "skus": args.skus,
                "channels": [s.name for s in bench.specs],
                **burst(bench),
                **steady(bench),
            }
            result["final_drift"] = bench.drift()
            result["peak_rss_mb"] = round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
            )
            return result
        finally:
            bench.app.close()


def main(argv: Sequence[str]) -> int:
    args = parse(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("sync benchmark — channels are IN-MEMORY FAKES in virtual time")
        for key, value in result.items():
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
