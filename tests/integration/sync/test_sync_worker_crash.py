"""``kill -9`` of a worker process between "command sent" and "result recorded"."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sync_helpers import CHANNEL, Db

from omnistock.channels.fake import Fault, FaultKind, InMemoryChannel

pytestmark = pytest.mark.e2e

DEADLINE_S = 60.0


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling a condition with a deadline


def _cli(url: str, fakes: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "omnistock", "--db", url, *args]


def _env(fakes: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    env["OMNISTOCK_FAKE_CHANNELS"] = str(fakes)
    env["OMNISTOCK_FAKE_MAX_BATCH"] = "2"
    return env


def _received(path: Path) -> list[str]:
    return list(json.loads(path.read_text())["received"])


def test_killed_worker_restarts_without_duplicate_command_and_converges(
    engine: Engine, db: Db, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    db.add({"a": (4, 9), "b": (6, 9), "c": (1, 0)})
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    state = fakes / f"{CHANNEL}.json"
    InMemoryChannel(name=CHANNEL, path=state).script(Fault(kind=FaultKind.HANG_AFTER_APPLY))
    args = ["worker", "--interval", "0.05", "--lease-ttl", "1"]
    proc = subprocess.Popen(_cli(url, fakes, *args), env=_env(fakes))
    try:
        _wait_for(lambda: len(_received(state)) == 1, "the first command to reach the channel")
        _wait_for(lambda: _quantities(state).get("a") == 4, "the channel to apply it")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    (hung,) = _received(state)
    assert [b["status"] for b in db.store.batches(CHANNEL)] == ["sending"]

    def converged() -> bool:
        once = subprocess.run(
            _cli(url, fakes, "worker", "--once"), env=_env(fakes), capture_output=True, check=True
        )
        assert once.returncode == 0
        return db.store.dirty_count(CHANNEL) == 0

    _wait_for(converged, "a restarted worker to converge")  # the dead lease expires first
    received = _received(state)
    assert received.count(hung) == 1  # looked up, not resent
    assert len(received) == len(set(received)) == 2  # the second batch: c
    assert _quantities(state) == {"a": 4, "b": 6, "c": 1}
    assert [db.get(o) for o in "abc"] == [(4, 4), (6, 6), (1, 1)]
    assert {b["status"] for b in db.store.batches(CHANNEL)} == {"done"}


def _quantities(path: Path) -> dict[str, int]:
    return dict(json.loads(path.read_text())["quantities"])
