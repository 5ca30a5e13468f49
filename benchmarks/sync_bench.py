"""Sync engine benchmark: burst and steady scenarios against baselines, per channel.

Default: **the four channel sandboxes on loopback** (``omnistock.sandbox.*`` served by
``SandboxServer``) driven by the real HTTP adapters (``omnistock.channels.*``), each request
delayed by ``--latency-ms`` and every sandbox enforcing its documented limits; the store
(temporary SQLite, or ``--db URL``), stock service, planner, dispatcher, budget and recovery are
the real ones. Idle time (budget waits, async processing, gaps between events) is skipped on the
benchmark clock and every sandbox clock together; busy time is real, times ``--time-scale``.
``--fake``: in-memory fake channels in virtual time instead (``sync_fakes``).

- **burst**: the whole trace committed through the stock service as fast as the store takes
  it; then the worker runs until every channel converged. ``api_calls`` (adapter pushes) vs
  ``min_calls`` = Σ channels ⌈offers to push / max batch⌉; ``call_ratio``; ``events_per_s``.
- **steady**: Poisson events at ``--rate``/s for ``--steady-seconds``, a worker pass every
  second; latency = committed change → the channel's confirmed result (p50/p99), against polling
  every 15 minutes (``baseline_*``) and one call per change (``naive_api_calls``).
- ``final_drift``: listings whose quantity in the channel (read from the sandbox) ≠ desired.

Defaults (1000 SKUs, 5000 events) keep ``make bench`` within a few minutes with real HTTP;
``--skus 10000 --events 50000`` is the issue's full size (~10 minutes on 2 cores).
Figures and their analysis: ``docs/performance.md``.
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
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from benchmarks import sync_metrics as m
from omnistock.bootstrap import App, bootstrap
from omnistock.channels.base import ChannelAdapter
from omnistock.config import Settings
from omnistock.domain.ids import DEFAULT_WAREHOUSE, ChannelId, ChannelKind, Sku
from omnistock.domain.listing import Listing
from omnistock.service import catalog, stock
from omnistock.service.clock import FixedClock
from omnistock.store.sync_repository import SyncStore
from omnistock.store.tables import listings
from omnistock.sync.worker import Worker

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)
NAMES = ("allegro", "shop", "amazon", "meta")
KINDS = {
    "allegro": ChannelKind.ALLEGRO,
    "shop": ChannelKind.WOOCOMMERCE,
    "amazon": ChannelKind.AMAZON,
    "meta": ChannelKind.META,
}
PASS_S = 1.0  # the worker's pass interval (``LoopSettings.interval_s``)
SETTLE_S = 120.0  # before the final drift read: longer than any sandbox's processing delay


def parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sync_bench", description=__doc__.splitlines()[0])
    p.add_argument("--skus", type=int, default=1_000, help="default 1000 (issue size: 10000)")
    p.add_argument("--events", type=int, default=5_000, help="default 5000 (issue: 50000)")
    p.add_argument("--channels", type=int, default=4, choices=range(1, len(NAMES) + 1))
    p.add_argument("--rate", type=float, default=20.0, help="steady events per second")
    p.add_argument("--steady-seconds", type=int, default=60)
    p.add_argument("--time-scale", type=float, default=1.0, help="clocks run X× real time")
    p.add_argument("--latency-ms", type=int, nargs=2, default=(20, 80), metavar=("MIN", "MAX"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--zipf", type=float, default=1.1)
    p.add_argument("--fake", action="store_true", help="in-memory fakes in virtual time")
    p.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    p.add_argument("--json", action="store_true")
    return p.parse_args(list(argv))


class Channels(Protocol):
    """The channel side: ``sync_sandboxes.Fleet`` or ``sync_fakes.FakeFleet``."""

    @property
    def adapters(self) -> dict[str, ChannelAdapter]: ...
    def advance(self, seconds: float) -> None: ...
    def seed(self, name: str, offers: Mapping[str, int]) -> dict[str, str]: ...
    def quantities(self, name: str) -> dict[str, int]: ...
    def http_counts(self, name: str) -> dict[str, int]: ...
    def close(self) -> None: ...


def _channels(args: argparse.Namespace, names: Sequence[str]) -> tuple[Any, Channels]:
    if args.fake:
        from benchmarks.sync_fakes import FakeFleet

        fixed = FixedClock(T0)
        return fixed, FakeFleet(names, fixed)
    from benchmarks.sync_sandboxes import Fleet
    from omnistock.sandbox.common.clock import SandboxClock

    clock = SandboxClock(args.time_scale, start=T0)
    latency = (args.latency_ms[0], args.latency_ms[1])
    fleet = Fleet(
        names, seed=args.seed, time_scale=args.time_scale, latency_ms=latency, clock=clock
    )
    return clock, fleet


class Bench:
    """One run: an app on a fresh database, the channels, a worker, a seeded trace."""

    def __init__(self, args: argparse.Namespace, db_url: str) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.names = list(NAMES[: args.channels])
        self.clock, self.channels = _channels(args, self.names)
        self.app: App = bootstrap(
            Settings.from_env({}, db_url=db_url), clock=self.clock, migrate=True
        )
        self.counted = {n: m.Counted(a) for n, a in self.channels.adapters.items()}
        self.store = SyncStore(self.app.engine)
        self.worker = Worker(
            store=self.store, adapters=self.counted, clock=self.clock, rng=random.Random(args.seed)
        )
        self.skus = [Sku(f"SKU{i:06}") for i in range(args.skus)]
        self.levels = {sku: self.rng.randint(0, 50) for sku in self.skus}
        self.cum = list(accumulate(1 / (rank + 1) ** args.zipf for rank in range(args.skus)))
        self.settled_at: dict[str, float] = {}

    # -- set-up -----------------------------------------------------------------------------
    def seed_catalog(self) -> None:
        """Offers in the channels, products, listings, stock; then a first full sync."""
        for name in self.names:
            catalog.add_channel(self.app.uow(), ChannelId(name), KINDS[name], now=T0)
        rows = "".join(f"{sku},Produkt {sku},,23,10.00\n" for sku in self.skus)
        catalog.import_products(self.app.uow(), "sku,name,ean,vat,price\n" + rows, now=T0)
        with self.app.uow() as uow:
            for name in self.names:
                ids = self.channels.seed(name, {str(s): q for s, q in self.levels.items()})
                for sku in self.skus:
                    uow.listings.add(Listing(channel=ChannelId(name), sku=sku, offer_id=ids[sku]))
            uow.commit()
        levels = "".join(f"{sku},main,{level}\n" for sku, level in self.levels.items())
        csv = "sku,warehouse,on_hand\n" + levels
        stock.import_stock(self.app.uow(), csv, source="bench", actor="bench", now=self.now())
        self.converge()

    def now(self) -> datetime:
        now: datetime = self.clock.now()
        return now

    def set(self, sku: Sku, quantity: int, at: datetime) -> None:
        stock.set_stock(
            self.app.uow(), sku, quantity, warehouse=DEFAULT_WAREHOUSE, actor="bench", now=at
        )

    def changed_offers(self, sku: Sku, at: datetime) -> list[m.Change]:
        """The listings whose desired this stock change moved, with the new desired value."""
        c = listings.c
        query = select(c.channel, c.offer_id, c.desired).where(c.sku == sku, c.observed_at >= at)
        with self.app.engine.connect() as conn:
            return [m.Change(r.channel, r.offer_id, at, r.desired) for r in conn.execute(query)]

    def event(self) -> tuple[Sku, int]:
        sku = self.rng.choices(self.skus, cum_weights=self.cum)[0]
        level = max(0, self.levels[sku] + self.rng.choice((-3, -2, -1, -1, 1, 2, 5)))
        self.levels[sku] = level
        return sku, level

    # -- running the engine -----------------------------------------------------------------
    def busy_channels(self) -> list[str]:
        out = []
        for name in self.names:
            counts = self.store.state_counts(name)
            stuck = sum(counts.get(k, 0) for k in ("dead", "error", "held"))
            if counts.get("in_flight") or self.store.dirty_count(name) - stuck > 0:
                out.append(name)
        return out

    def one_pass(self) -> None:
        """A worker pass, then the pass interval (idle: skipped on every clock).

        When every channel with work left is only waiting for its budget (nothing in flight, no
        new events while converging), the passes until the earliest budget frees could do
        nothing: that wait is skipped too, in whole pass intervals.
        """
        runs = self.worker.run_once()
        waits = [r.budget_wait_s for r in runs if r.budget_wait_s > 0]
        if self.args.fake:  # virtual time: jump over budget waits as well
            self.channels.advance(max(PASS_S, min(waits)) if waits else PASS_S)
            return
        waiting = {r.channel for r in runs if r.budget_wait_s > 0}
        busy = self.busy_channels()
        idle = bool(busy) and set(busy) <= waiting
        idle = idle and not any(self.store.state_counts(n).get("in_flight") for n in busy)
        self.channels.advance(max(PASS_S, math.ceil(min(waits))) if idle else PASS_S)

    def converge(self, max_passes: int = 100_000) -> None:
        """Passes until no channel has work; notes when each channel settled."""
        start = self.now()
        for _ in range(max_passes):
            busy = self.busy_channels()
            for name in self.names:
                if name not in busy and name not in self.settled_at:
                    self.settled_at[name] = (self.now() - start).total_seconds()
            if not busy:
                return
            self.one_pass()
        raise RuntimeError(f"not converged after {max_passes} passes: {self.busy_channels()}")

    def drift(self, name: str) -> int:
        wanted = self.store.listing_quantities(name)
        actual = self.channels.quantities(name)
        return sum(1 for o, (d, _) in wanted.items() if d is not None and actual.get(o) != d)

    def close(self) -> None:
        self.channels.close()
        self.app.close()


def burst(bench: Bench) -> dict[str, Any]:
    events = [bench.event() for _ in range(bench.args.events)]
    started = time.perf_counter()
    for sku, level in events:
        bench.set(sku, level, bench.now())
    elapsed = time.perf_counter() - started
    per: dict[str, dict[str, Any]] = {}
    for name in bench.names:
        offers = bench.store.dirty_count(name)
        batch = bench.counted[name].capabilities.max_batch
        per[name] = {"offers_to_push": offers, "max_batch": batch}
        per[name]["min_calls"] = math.ceil(offers / batch)
    before = {n: (c.pushes, c.polls) for n, c in bench.counted.items()}
    started_wall, started_at = time.perf_counter(), bench.now()
    bench.converge()
    for name, c in bench.counted.items():
        per[name]["api_calls"] = c.pushes - before[name][0]
        per[name]["poll_calls"] = c.polls - before[name][1]
    calls = sum(p["api_calls"] for p in per.values())
    min_calls = sum(p["min_calls"] for p in per.values())
    return {
        "events": len(events),
        "events_per_s": round(len(events) / elapsed, 1),
        "api_calls": calls,
        "poll_calls": sum(p["poll_calls"] for p in per.values()),
        "min_calls": min_calls,
        "call_ratio": round(calls / min_calls, 3) if min_calls else 1.0,
        "burst_drain_s": round((bench.now() - started_at).total_seconds(), 1),
        "burst_drain_wall_s": round(time.perf_counter() - started_wall, 1),
        "burst_per_channel": per,
    }


def _arrivals(bench: Bench, start: datetime) -> list[datetime]:
    """Poisson arrival times at ``--rate``/s over ``--steady-seconds``."""
    out: list[datetime] = []
    for second in range(bench.args.steady_seconds):
        n = m.poisson(bench.rng, bench.args.rate)
        out.extend(start + timedelta(seconds=second + k / max(n, 1)) for k in range(n))
    return out


def steady(bench: Bench) -> dict[str, Any]:
    """Events at their times, a worker pass every second in between, then convergence."""
    shown_before = {n: bench.channels.quantities(n) for n in bench.names}
    calls0 = {n: c.pushes for n, c in bench.counted.items()}
    busy0 = {n: c.busy_s for n, c in bench.counted.items()}
    passes = [0, 0.0]
    start = bench.now()
    arrivals = _arrivals(bench, start)
    changed: list[m.Change] = []
    next_pass = start
    for due in arrivals:
        while bench.now() < due:
            if bench.now() >= next_pass:
                began = time.perf_counter()
                bench.worker.run_once()
                passes[0], passes[1] = passes[0] + 1, passes[1] + time.perf_counter() - began
                next_pass = bench.now() + timedelta(seconds=PASS_S)
            else:
                bench.channels.advance((min(due, next_pass) - bench.now()).total_seconds())
        sku, level = bench.event()
        at = bench.now()
        bench.set(sku, level, at)
        changed.extend(bench.changed_offers(sku, at))
    span = (bench.now() - start).total_seconds()
    bench.converge()
    per = {n: _steady_channel(bench, n, changed, shown_before[n], span) for n in bench.names}
    for name, c in bench.counted.items():
        per[name]["steady_api_calls"] = c.pushes - calls0[name]
        per[name]["naive_api_calls"] = len(arrivals)
        per[name]["push_poll_wall_s"] = round(c.busy_s - busy0[name], 1)
    every = [x for p in per.values() for x in p.pop("_latencies")]
    caught = [x for p in per.values() for x in p.pop("_catch_up")]
    base = [x for p in per.values() for x in p.pop("_baseline")]
    steady_calls = sum(p["steady_api_calls"] for p in per.values())
    naive = len(arrivals) * len(bench.names)
    return {
        "steady_events": len(arrivals),
        "steady_listing_changes": len(changed),
        "p50_latency_s": m.pct(every, 0.50),
        "p99_latency_s": m.pct(every, 0.99),
        "p99_catch_up_s": m.pct(caught, 0.99),
        "baseline_p99_latency_s": m.pct(base, 0.99),
        "baseline_api_calls": sum(p["baseline_api_calls"] for p in per.values()),
        "steady_api_calls": steady_calls,
        "naive_api_calls": naive,
        "steady_vs_naive": round(steady_calls / naive, 4) if naive else 0.0,
        "steady_passes": passes[0],
        "steady_mean_pass_wall_s": round(passes[1] / passes[0], 3) if passes[0] else None,
        "steady_per_channel": per,
    }


def _steady_channel(
    bench: Bench, name: str, changed: list[m.Change], shown: Mapping[str, int], span: float
) -> dict[str, Any]:
    mine = [c for c in changed if c.channel == name]
    confirmed = bench.store.confirmations(name)
    lat = m.latencies(mine, confirmed, shown)
    strict = m.latencies(mine, confirmed, shown, catch_up=True)
    batch = bench.counted[name].capabilities.max_batch
    cycle = bench.settled_at.get(name, 0.0)
    base, base_calls = m.poll_baseline(bench.rng, len(mine), len(bench.skus), batch, span, cycle)
    p99, base_p99 = m.pct(lat, 0.99), m.pct(base, 0.99)
    return {
        "listing_changes": len(mine),
        "p50_latency_s": m.pct(lat, 0.50),
        "p99_latency_s": p99,
        "p99_catch_up_s": m.pct(strict, 0.99),
        "baseline_cycle_s": round(cycle, 1),
        "baseline_p99_latency_s": base_p99,
        "baseline_api_calls": base_calls,
        "p99_100x_lower": bool(p99 is not None and base_p99 and p99 * 100 <= base_p99),
        "_latencies": lat,
        "_catch_up": strict,
        "_baseline": base,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        bench = Bench(args, url)
        try:
            wall = time.perf_counter()
            bench.seed_catalog()
            result: dict[str, Any] = {
                "adapters": "in-memory fakes, virtual time" if args.fake else "HTTP sandboxes",
                "skus": args.skus,
                "channels": bench.names,
                "time_scale": None if args.fake else args.time_scale,
                "latency_ms": None if args.fake else list(args.latency_ms),
                "initial_sync_s": dict(bench.settled_at),
                **burst(bench),
                **steady(bench),
            }
            # accepted-but-not-applied channel work (Amazon applies an ACCEPTED patch later)
            result["drift_at_convergence"] = {n: bench.drift(n) for n in bench.names}
            bench.channels.advance(SETTLE_S)
            drift = {n: bench.drift(n) for n in bench.names}
            result["final_drift"] = sum(drift.values())
            result["drift_per_channel"] = drift
            result["http_requests"] = {n: bench.channels.http_counts(n) for n in bench.names}
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            result["peak_rss_mb"] = round(rss, 1)
            result["wall_s"] = round(time.perf_counter() - wall, 1)
            return result
        finally:
            bench.close()


def main(argv: Sequence[str]) -> int:
    args = parse(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        kind = "IN-MEMORY FAKES in virtual time" if args.fake else "HTTP sandboxes on loopback"
        print(f"sync benchmark — channels: {kind}")
        for key, value in result.items():
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
