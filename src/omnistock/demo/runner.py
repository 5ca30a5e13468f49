"""``run_demo``: the whole tour from an empty folder to the measured summary.

Phases: start the stage and seed → faults on → trading (buyers every cycle; at a third of the
time the all-zero feed; once the SMS and the e-mail went out, the corrected feed) → faults off
and settle → compliance check → measure. ``stop`` (Ctrl-C) ends trading early; with
``seconds`` trading ends so that settling fits in the time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from omnistock.bootstrap import App, bootstrap
from omnistock.config import Settings
from omnistock.demo.files import invoicing_config, write_config, write_key_file
from omnistock.demo.measure import check_compliance, measure, sandbox_quantities
from omnistock.demo.stage import Stage
from omnistock.demo.tour import FAULTS, Tour
from omnistock.privacy.keys import keyring_from_file
from omnistock.privacy.sealing import Sealer
from omnistock.service.clock import FixedClock
from omnistock.service.order_privacy import PrivacySealer
from omnistock.service.tokens import create_token
from omnistock.store.token_repository import TokenStore

__all__ = ["Dashboard", "DemoOptions", "run_demo"]

BUYERS_PER_CYCLE = 4
SETTLE_S = 6.0
ZERO_CYCLE = 8
"""Wall seconds kept for settling, the compliance check and measuring."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoOptions:
    folder: Path
    seconds: float | None = None
    seed: int = 7
    dashboard: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Dashboard:
    url: str
    token: str


Show = Callable[[Tour, str], None]


def _dashboard(app: App, stage: Stage) -> Dashboard:
    from omnistock.entrypoints.api import create_app  # FastAPI only when it is served
    from omnistock.sandbox.common.server import SandboxServer

    server = SandboxServer(create_app(app, adapters=stage.adapters)).start()
    stage.servers["dashboard"] = server  # stopped with the stage
    _, secret = create_token(TokenStore(app.engine), "admin", name="demo", now=app.clock.now())
    return Dashboard(url=f"{server.url}/dashboard/", token=secret)


def run_demo(
    options: DemoOptions,
    *,
    stop: threading.Event,
    show: Show,
    started: Callable[[Dashboard | None], None],
) -> dict[str, Any]:
    """Run the tour; ``show(tour, phase)`` after each cycle, ``started`` once the shop is up."""
    begin = time.monotonic()
    folder = options.folder
    db_url = f"sqlite:///{folder / 'omnistock.db'}"
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    stage = Stage(folder, seed=options.seed)
    try:
        key_file = write_key_file(folder / "privacy-keys.toml")
        write_config(folder / "omnistock.toml", db_url, key_file, stage)
        with bootstrap(Settings(db_url=db_url), clock=clock, migrate=True) as app:
            tour = Tour(app, stage, seed=options.seed)
            sealer = PrivacySealer(Sealer(keyring_from_file(key_file)))
            tour.start(sealer, invoicing_config())
            started(_dashboard(app, stage) if options.dashboard else None)
            _trade(tour, options, stop, show, begin)
            show(tour, "settling")
            tour.settle(lambda: stage.set_faults({name: {} for name in FAULTS}))
            show(tour, "compliance check")
            tour.compliance = check_compliance(tour, clock.now().date())
            summary = measure(tour)
            show(tour, "done")
            return summary
    finally:
        stage.close()


def _trade(
    tour: Tour, options: DemoOptions, stop: threading.Event, show: Show, begin: float
) -> None:
    """Buyers with faults on until the time is up (or Ctrl-C), leaving time to settle."""
    tour.stage.set_faults(FAULTS)
    end = None if options.seconds is None else begin + max(options.seconds - SETTLE_S, 3.0)
    start = time.monotonic()
    zero_at = None if end is None else start + (end - start) / 3
    zero_before = 0
    while not stop.is_set():
        now = time.monotonic()
        if end is not None and now >= end:
            break
        tour.cycle(BUYERS_PER_CYCLE)
        due = tour.log.cycles >= ZERO_CYCLE if zero_at is None else now >= zero_at
        if tour.log.zero_feed == "pending" and due:
            zero_before = _zeros(tour)
            tour.inject_zero_feed()
        elif tour.log.zero_feed == "injected" and _alerted(tour):
            _record_hold(tour, zero_before)
            tour.correct_feed()
        show(tour, "trading")
    for _ in range(5):  # injected late: let the worker hold it and the alerts go out first
        if tour.log.zero_feed != "injected" or _alerted(tour):
            break
        tour.cycle(0)
    if tour.log.zero_feed == "injected":  # never leave the shop at zero
        _record_hold(tour, zero_before)
        tour.correct_feed()


def _alerted(tour: Tour) -> bool:
    sms = tour.stage.admins["smsapi"].get("/_sandbox/messages").json()
    return bool(sms) and bool(tour.stage.inbox.messages)


def _zeros(tour: Tour) -> int:
    return sum(q == 0 for shown in sandbox_quantities(tour).values() for q in shown.values())


def _record_hold(tour: Tour, zero_before: int) -> None:
    """Measured before the corrected feed: what the holds kept and what the channels show."""
    items = sum(len(h.items) for h in tour.parts.safety.holds())
    tour.zero_feed = {
        "listings": sum(len(o) for o in tour.shop.offers.values()),
        "held_items": items,
        "zero_before": zero_before,
        "zero_while_held": _zeros(tour),
    }
