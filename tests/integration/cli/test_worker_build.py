"""``build_worker``: ``omnistock worker`` and ``serve --with-worker`` get one guarded worker."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from omnistock.bootstrap import bootstrap
from omnistock.channels.fake import InMemoryChannel
from omnistock.config import Settings
from omnistock.entrypoints.cli.worker_build import build_worker
from omnistock.service.clock import FixedClock
from omnistock.service.notifications import AlertsTick

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_every_dispatcher_has_the_safety_guard_and_the_alerts_tick(tmp_path: Path) -> None:
    settings = Settings.from_env({}, db_url=f"sqlite:///{tmp_path / 'omnistock.db'}")
    with bootstrap(settings, clock=FixedClock(NOW), migrate=True) as app:
        fakes = {name: InMemoryChannel(name=name) for name in ("allegro-main", "sklep")}
        worker = build_worker(app, accounts={}, adapters=fakes, orders=True)
    assert sorted(worker.dispatchers) == ["allegro-main", "sklep"]
    for dispatcher in worker.dispatchers.values():
        config = dispatcher.config
        assert config.guard is not None  # mass-zero / drop rules before anything leaves
        assert config.reread is not None
        assert config.paused is not None
    assert sum(isinstance(t, AlertsTick) for t in worker.tick) == 1
