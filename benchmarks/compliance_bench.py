"""Compliance benchmark: N listings checked against every shipped rule pack.

Figures measured in the same run, in seconds:

- ``check``: ``check(listings, packs, as_of, upcoming_days=30)`` — rules in force and upcoming,
  compiled once per call (regexes, field getters), every listing against every pack (the
  listings have no channel, so all packs apply);
- ``baseline``: a plain loop that reads every listing's title length;
- ``ratio``: check / baseline, and the cost per (listing × rule) evaluation;
- ``check_cpu_s``: the CPU time of this process during the check, and the 1-minute load
  average before it: on a shared machine a wall time far above the CPU time means the check
  waited for a core, not that it did more work.

Target on this machine: 100 000 listings in ≤ 10 s.
``python -m benchmarks.compliance_bench --listings 100000 [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from omnistock.compliance.packs import shipped_packs
from omnistock.domain.compliance import (
    AfterSales,
    Gpsr,
    Image,
    ListingContent,
    Parameter,
    ShippingRates,
    check,
)

AS_OF = date(2026, 7, 1)  # shipping-rate rules of 2026-07-22 are upcoming on this day
WORDS = ("kubek", "emaliowany", "jeż", "300", "ml", "zielony", "retro", "prezent", "kawa")


def _listing(n: int, rng: random.Random) -> ListingContent:
    """Most listings are fine; about one in five breaks something (title, images, GPSR…)."""
    broken = rng.random() < 0.2
    words = rng.randint(1, 3) if broken else rng.randint(3, 9)
    side = rng.choice((300, 450)) if broken and rng.random() < 0.3 else rng.randint(600, 2000)
    images = tuple(Image(url=f"https://img/{n}/{i}", width=side, height=side) for i in range(3))
    return ListingContent(
        offer=str(n),
        title=" ".join(rng.choice(WORDS) for _ in range(words)).capitalize(),
        description=(f"<p>Opis produktu {n}</p>",),
        images=images,
        category="257931",
        parameters=(Parameter(id="11323", name="Stan", values=("Nowy",)),),
        gtin=f"590{n:010d}",
        condition="Nowy",
        price=Decimal("19.99"),
        currency="PLN",
        shipping=ShippingRates(id="s", type=None if broken else "PHYSICAL", dispatch_country="PL"),
        after_sales=AfterSales(return_policy="default", implied_warranty="default"),
        gpsr=Gpsr(
            responsible_producer=None if broken and rng.random() < 0.5 else "p",
            responsible_person="r",
            safety_text="Uwaga: małe części",
        ),
    )


def measure(count: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    listings = [_listing(n, rng) for n in range(count)]
    packs = shipped_packs()
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    report = check(listings, packs, AS_OF, upcoming_days=30)
    checked_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu
    started = time.perf_counter()
    total = 0
    for listing in listings:
        total += len(listing.title or "")
    baseline_s = time.perf_counter() - started
    evaluations = count * (report.rules_in_force + report.rules_upcoming)
    return {
        "listings": count,
        "packs": [p.name for p in packs],
        "rules_in_force": report.rules_in_force,
        "rules_upcoming": report.rules_upcoming,
        "violations": len(report.violations),
        "upcoming": len(report.upcoming),
        "check_s": round(checked_s, 3),
        "check_cpu_s": round(cpu_s, 3),
        "load_average_1m": round(load, 2),
        "cores": os.cpu_count(),
        "baseline_s": round(baseline_s, 4),
        "ratio": round(checked_s / baseline_s, 1) if baseline_s else None,
        "us_per_rule_evaluation": round(checked_s / evaluations * 1e6, 3) if evaluations else None,
        "target_s": 10.0,
        "within_target": checked_s <= 10.0 if count >= 100_000 else None,
        "title_chars_read": total,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    figures = measure(args.listings)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"compliance: {figures['listings']} listings × "
        f"{figures['rules_in_force']} rules in force + {figures['rules_upcoming']} upcoming "
        f"({', '.join(figures['packs'])}): {figures['check_s']} s "
        f"(CPU {figures['check_cpu_s']} s, load {figures['load_average_1m']} on "
        f"{figures['cores']} cores; target ≤ 10 s); "
        f"baseline (title length loop) {figures['baseline_s']} s; "
        f"ratio {figures['ratio']}×; {figures['us_per_rule_evaluation']} µs per rule evaluation; "
        f"{figures['violations']} violations, {figures['upcoming']} upcoming"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
