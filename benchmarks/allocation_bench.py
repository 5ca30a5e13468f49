"""Allocation benchmark: N SKUs × K channels, pure domain and a full recompute through the store.

Prints three figures measured in the same run, each in seconds, and the ratios to the baseline:

- ``pure``: ``allocate_sku`` for every SKU (inputs prepared beforehand);
- ``db``: ``service.allocation.recompute(uow, None)`` on a fresh SQLite file — reads levels,
  reservations, policies, kits, pause states and listings, allocates, writes the changed
  ``desired`` quantities (every listing changes on this first run) and commits;
- ``baseline``: a plain Python loop over ``sqlite3`` that only reads the same rows.

``python -m benchmarks.allocation_bench --skus 100000 --channels 4 [--json]``
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from omnistock.domain.allocation import AllocationInput, allocate_sku
from omnistock.domain.ids import DEFAULT_WAREHOUSE, ChannelId, Sku
from omnistock.domain.inventory import Reservation, StockLevel
from omnistock.domain.policy import Policy, PolicyRule, PolicyScope, Strategy
from omnistock.service.allocation import recompute
from omnistock.store.engine import make_engine
from omnistock.store.migrate import upgrade_to_head
from omnistock.store.rows import policy_to_json
from omnistock.store.tables import (
    channels,
    listings,
    policies,
    products,
    reservations,
    stock_levels,
)
from omnistock.store.unit_of_work import SqlUnitOfWork

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
KINDS = ("allegro", "woocommerce", "amazon", "meta")
Rows = list[dict[str, Any]]


def _policy(names: Sequence[ChannelId]) -> Policy:
    share = (Decimal(90) / len(names)).quantize(Decimal("0.01"))
    return Policy(
        strategy=Strategy.PERCENTAGE,
        shares=dict.fromkeys(names, share),
        reserve=Decimal(10),
        buffer=2,
        resume_margin=2,
    )


def _data(skus: int, names: Sequence[ChannelId]) -> tuple[Rows, Rows, Rows, Rows]:
    rng = random.Random(7)
    codes = [f"SKU-{i:07d}" for i in range(skus)]
    prods = [
        {"sku": s, "name": s, "vat": "23", "unit": "szt.", "price_gross": Decimal("9.99")}
        for s in codes
    ]
    levels = [
        {"sku": s, "warehouse": DEFAULT_WAREHOUSE, "on_hand": rng.randrange(60)} for s in codes
    ]
    reserved = [
        {"order_ref": f"o-{i}", "sku": s, "quantity": 1, "open": True, "created_at": NOW}
        for i, s in enumerate(codes)
        if i % 10 == 0
    ]
    links = [{"channel": c, "sku": s, "offer_id": f"{c}-{s}"} for s in codes for c in names]
    return prods, levels, reserved, links


def seed(engine: Engine, skus: int, names: Sequence[ChannelId]) -> None:
    """Bulk-insert the catalog, stock, reservations, a global policy and every listing."""
    prods, levels, reserved, links = _data(skus, names)
    rule = PolicyRule(scope=PolicyScope.GLOBAL, key="", policy=_policy(names))
    with engine.begin() as conn:
        conn.execute(insert(products), prods)
        accounts = [{"name": n, "kind": KINDS[i % len(KINDS)]} for i, n in enumerate(names)]
        conn.execute(insert(channels), accounts)
        conn.execute(insert(stock_levels), levels)
        conn.execute(insert(reservations), reserved)
        row = {"scope": rule.scope.value, "key": "", "body": policy_to_json(rule.policy)}
        conn.execute(insert(policies), [row])
        conn.execute(insert(listings), links)


def pure_inputs(skus: int, names: Sequence[ChannelId]) -> list[AllocationInput]:
    """The same shape of inputs as the store gives, built in memory."""
    _, levels, reserved, _ = _data(skus, names)
    held = {str(r["sku"]): r for r in reserved}
    policy = _policy(names)
    result = []
    for level in levels:
        sku = Sku(str(level["sku"]))
        r = held.get(sku)
        booked = [Reservation(sku=sku, quantity=1, order_ref=str(r["order_ref"]))] if r else []
        stocked = [StockLevel(sku=sku, warehouse=DEFAULT_WAREHOUSE, on_hand=int(level["on_hand"]))]
        result.append(
            AllocationInput(
                sku=sku, levels=stocked, reservations=booked, policy=policy, channels=names
            )
        )
    return result


def time_pure(inputs: Sequence[AllocationInput]) -> float:
    started = time.perf_counter()
    for inp in inputs:
        allocate_sku(inp)
    return time.perf_counter() - started


def time_db(engine: Engine) -> tuple[float, int]:
    started = time.perf_counter()
    changed = recompute(SqlUnitOfWork(engine), None, now=NOW)
    return time.perf_counter() - started, changed


BASELINE_QUERIES = (
    "SELECT sku, group_name FROM products",
    "SELECT bundle_sku, component_sku, quantity FROM bundle_components",
    "SELECT sku, warehouse, on_hand FROM stock_levels",
    "SELECT sku, quantity, order_ref, open FROM reservations WHERE open",
    "SELECT scope, key, body FROM policies",
    "SELECT name, kind FROM channels",
    "SELECT sku FROM sku_pauses WHERE paused",
    "SELECT sku, channel, offer_id, desired FROM listings",
)


def time_baseline(path: Path) -> tuple[float, int]:
    """Only read the rows a full recompute reads, with ``sqlite3`` and a plain loop."""
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    rows = 0
    for query in BASELINE_QUERIES:
        for _row in conn.execute(query):
            rows += 1
    conn.close()
    return time.perf_counter() - started, rows


def run(skus: int, count: int) -> dict[str, object]:
    names = [ChannelId(f"{KINDS[i % len(KINDS)]}-{i}") for i in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade_to_head(engine)
        seed(engine, skus, names)
        baseline, rows = time_baseline(path)
        pure = time_pure(pure_inputs(skus, names))
        db, changed = time_db(engine)
        again, unchanged = time_db(engine)
        engine.dispose()
    return {
        "skus": skus,
        "channels": count,
        "rows_read": rows,
        "baseline_s": round(baseline, 3),
        "pure_s": round(pure, 3),
        "db_s": round(db, 3),
        "db_listings_written": changed,
        "db_again_s": round(again, 3),
        "db_again_listings_written": unchanged,
        "pure_over_baseline": round(pure / baseline, 2),
        "db_over_baseline": round(db / baseline, 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="allocation_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.skus, args.channels)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    n, k = figures["skus"], figures["channels"]
    print(f"allocation of {n:,} SKUs × {k} channels ({figures['rows_read']:,} rows read)")
    print(f"  baseline (sqlite3 read loop)     {figures['baseline_s']:8.3f} s")
    print(
        f"  pure domain (allocate_sku)       {figures['pure_s']:8.3f} s   "
        f"× {figures['pure_over_baseline']} of baseline   (target ≤ 1 s)"
    )
    print(
        f"  full recompute via store, SQLite {figures['db_s']:8.3f} s   "
        f"× {figures['db_over_baseline']} of baseline   (target ≤ 10 s; "
        f"{figures['db_listings_written']:,} listings written)"
    )
    print(f"  same recompute, nothing changed  {figures['db_again_s']:8.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
