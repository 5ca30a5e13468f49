"""The daily retention job: works once per UTC day however often it is called, and sweeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from privacy_helpers import BOTH_RING
from sqlalchemy import Engine, func, select
from test_privacy_real_orders import add_orders

from omnistock.privacy.sealing import Sealer
from omnistock.service.clock import FixedClock
from omnistock.service.privacy_jobs import JOB, daily_tick, run_daily
from omnistock.store.order_tables import orders
from omnistock.store.privacy_repository import last_run_day
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.worker import Worker

LATER = datetime(2027, 2, 1, 3, 0, tzinfo=UTC)


def _named(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(orders.c.buyer_name.is_not(None))
        return int(conn.execute(query).scalar_one())


def test_runs_once_a_day_and_sweeps_expired_data(engine: Engine) -> None:
    add_orders(engine, 4, Sealer(BOTH_RING))
    first = run_daily(engine, Sealer(BOTH_RING), LATER)
    assert first.ran
    assert first.emptied["orders.buyer_name"] == 4
    assert _named(engine) == 0
    assert last_run_day(engine, JOB) == LATER.date()
    again = run_daily(engine, BOTH_RING, LATER + timedelta(hours=20))  # same UTC day
    assert (again.ran, again.total) == (False, 0)
    next_day = run_daily(engine, None, LATER + timedelta(days=1))
    assert next_day.ran
    assert next_day.total == 0  # idempotent: nothing left to empty
    assert last_run_day(engine, JOB) == LATER.date() + timedelta(days=1)


def test_nothing_expired_keeps_everything_and_force_runs_again(engine: Engine) -> None:
    add_orders(engine, 2, Sealer(BOTH_RING))
    early = datetime(2026, 11, 28, tzinfo=UTC)
    assert run_daily(engine, None, early).total == 0
    assert _named(engine) == 2
    assert run_daily(engine, None, early, force=True).ran


def test_a_worker_tick_runs_the_job_once_a_day(engine: Engine) -> None:
    add_orders(engine, 3, Sealer(BOTH_RING))
    clock = FixedClock(LATER)
    worker = Worker(store=SyncStore(engine), adapters={}, clock=clock, tick=[daily_tick(engine)])
    for _ in range(3):
        worker.run_once()
    assert _named(engine) == 0
    assert last_run_day(engine, JOB) == LATER.date()
    clock.advance(timedelta(days=1))
    worker.run_once()
    assert last_run_day(engine, JOB) == LATER.date() + timedelta(days=1)
