"""``omnistock sync run|status|reconcile`` and ``worker --once`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sync_helpers import CHANNEL, Db

from omnistock.channels.fake import InMemoryChannel

pytestmark = pytest.mark.e2e


def _run(url: str, fakes: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    env["OMNISTOCK_FAKE_CHANNELS"] = str(fakes)
    return subprocess.run(
        [sys.executable, "-m", "omnistock", "--db", url, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_run_status_and_reconcile_from_the_command_line(
    engine: Engine, db: Db, tmp_path: Path
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("one CLI round trip is enough")
    url = engine.url.render_as_string(hide_password=False)
    db.add({"a": (4, 9), "b": (2, None)})
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    InMemoryChannel(name=CHANNEL, path=fakes / f"{CHANNEL}.json", missing_offers=())

    before = _run(url, fakes, "sync", "status", "--json")
    assert before.returncode == 0, before.stderr
    (status,) = json.loads(before.stdout)
    assert (status["channel"], status["dirty"], status["breaker"]) == (CHANNEL, 2, "closed")

    ran = _run(url, fakes, "sync", "run", "--once")
    assert ran.returncode == 0, ran.stderr
    assert db.get("a") == (4, 4)

    channel = InMemoryChannel(name=CHANNEL, path=fakes / f"{CHANNEL}.json")
    channel.set_quantity("b", 11)
    found = _run(url, fakes, "sync", "reconcile", "--channel", CHANNEL, "--json")
    assert found.returncode == 0, found.stderr
    (report,) = json.loads(found.stdout)
    assert (report["checked"], report["drift"]) == (2, 1)
    assert report["examples"] == [{"offer_id": "b", "desired": 2, "actual": 11}]

    worker = _run(url, fakes, "worker", "--once")
    assert worker.returncode == 0, worker.stderr
    after = json.loads(_run(url, fakes, "sync", "status", "--json").stdout)
    assert after[0]["dirty"] == 0
    assert after[0]["last_success"] is not None
    assert InMemoryChannel(path=fakes / f"{CHANNEL}.json").quantity("b") == 2
