"""Two workers on PostgreSQL: never the same channel account at once, one shared budget.

The first test runs two real ``omnistock worker`` processes against one database and one
(file-backed) fake account that logs every push with its process id and wall-clock span; the
second races two in-process workers on a frozen clock, where the budget's bound is exact.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sync_helpers import CHANNEL, Db, MakeWorker

from omnistock.channels.base import ChannelLimits
from omnistock.channels.fake import InMemoryChannel, default_capabilities
from omnistock.service.clock import FixedClock

pytestmark = pytest.mark.postgres

LIMITS = ChannelLimits(requests_per_window=1000, changes_per_window=400, window_s=60)
DEADLINE_S = 60.0
# processes: 40 changes per 2 s → a bucket of 20 refilling 10 per second; batches of 5
WINDOW_S, CHANGES, BATCH = 2.0, 40, 5
CAPACITY, REFILL = CHANGES / 2, CHANGES / 2 / WINDOW_S


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling a condition with a deadline


def _pushes(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return sorted((json.loads(x) for x in log.read_text().splitlines()), key=lambda p: p["start"])


def test_two_worker_processes_never_push_one_account_at_once_and_share_one_budget(
    engine: Engine, db: Db, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("multi-worker runs on PostgreSQL")
    db.add({f"o{i:03}": (4, 5) for i in range(200)})  # small drops: the safety guard lets them go
    fakes, log = tmp_path / "fakes", tmp_path / "pushes.jsonl"
    fakes.mkdir()
    InMemoryChannel(name=CHANNEL, path=fakes / f"{CHANNEL}.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    env |= {
        "OMNISTOCK_FAKE_CHANNELS": str(fakes),
        "OMNISTOCK_FAKE_MAX_BATCH": str(BATCH),
        "OMNISTOCK_FAKE_LIMITS": f"100000,{CHANGES},{WINDOW_S}",
        "OMNISTOCK_FAKE_LATENCY_S": "0.05",  # a push takes time: overlaps would show
        "OMNISTOCK_FAKE_PUSH_LOG": str(log),
    }
    url = engine.url.render_as_string(hide_password=False)
    cli = [sys.executable, "-m", "omnistock", "--db", url, "worker", "--interval", "0.2"]
    workers = [subprocess.Popen(cli, env=env) for _ in range(2)]
    try:

        def both_pushed_beyond_the_burst() -> bool:
            pushes = _pushes(log)
            return len({p["pid"] for p in pushes}) == 2 and sum(p["size"] for p in pushes) >= 60

        try:
            _wait_for(both_pushed_beyond_the_burst, "both workers to push past the first burst")
        except AssertionError as exc:
            seen = [(p["pid"], p["size"]) for p in _pushes(log)]
            raise AssertionError(f"{exc}: pushes {seen}, states {db.states()}") from None
    finally:
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        for proc in workers:
            proc.wait(timeout=30)
    pushes = _pushes(log)
    assert {p["pid"] for p in pushes} == {w.pid for w in workers}
    for before, after in pairwise(pushes):
        assert after["start"] >= before["end"], "two pushes of one account overlapped"
    # one shared bucket: between any two pushes no more than capacity + refill × elapsed went
    # out (spent just before each push starts; 0.5 s of slack for that gap under load)
    for i, first in enumerate(pushes):
        sent = 0
        for later in pushes[i:]:
            sent += later["size"]
            allowed = CAPACITY + REFILL * (later["start"] - first["start"] + 0.5)
            assert sent <= allowed, f"{sent} changes within {later['start'] - first['start']:.2f} s"
    assert len({p["batch"] for p in pushes}) == len(pushes)  # no batch sent twice
    pushed = sum(p["size"] for p in pushes)
    assert db.store.dirty_count(CHANNEL) == 200 - pushed


def _race(workers: list[object], rounds: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def loop(worker: object) -> None:
        try:
            start.wait()
            for _ in range(rounds):
                worker.run_once()  # type: ignore[attr-defined]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_two_in_process_workers_never_push_one_account_concurrently_and_share_one_budget(
    engine: Engine, db: Db, make_worker: MakeWorker, clock: FixedClock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("multi-worker runs on PostgreSQL")
    db.add({f"o{i:03}": (1, 5) for i in range(600)})
    caps = default_capabilities(max_batch=50, limits=LIMITS)
    first, fake = make_worker(capabilities=caps, holder="w1", latency_s=0.01)
    second, _ = make_worker(channel=fake, holder="w2")
    assert _race([first, second], rounds=8) == []
    assert fake.max_concurrency == 1
    burst = sum(r.size for r in fake.call_log)
    assert burst == 200  # capacity = limit × burst share; the clock stands still
    clock.advance(seconds=60)
    assert _race([first, second], rounds=8) == []
    # the window [T0, T0 + 60 s] holds the burst plus one window's refill: exactly the limit
    assert sum(r.size for r in fake.call_log) == LIMITS.changes_per_window
    assert fake.max_concurrency == 1
    assert db.store.dirty_count(CHANNEL) == 600 - sum(r.size for r in fake.call_log)
