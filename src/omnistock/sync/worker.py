"""Worker: runs every channel account's dispatcher, once or in a loop until a stop event.

``run_once`` makes one pass over all channels with one ``now`` from the clock, then calls each
``tick`` hook with that ``now`` (e.g. the safety watch and notifications); a failing hook is
logged and never stops the pass. ``run`` repeats
it until ``stop`` is set, waiting on the event (never a bare sleep), and reconciles every
``reconcile_every_s`` seconds. Several workers may run against PostgreSQL: the per-channel
lease keeps one dispatcher per channel account, and the budget in the database is shared.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from omnistock.channels.base import ChannelAdapter
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.dispatcher import ChannelRun, Dispatcher, SyncConfig
from omnistock.sync.reconciler import ReconcileReport, reconcile

__all__ = ["Clock", "LoopSettings", "Worker", "default_holder"]

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> datetime: ...


def default_holder() -> str:
    """A lease holder name unique to this process."""
    return f"{socket.gethostname()}:{os.getpid()}:{random.getrandbits(32):08x}"


@dataclass(frozen=True, slots=True, kw_only=True)
class LoopSettings:
    interval_s: float = 1.0
    reconcile_every_s: float | None = 900.0


class Worker:
    """One worker process's sync engine over ``adapters`` (channel name → adapter)."""

    def __init__(
        self,
        *,
        store: SyncStore,
        adapters: Mapping[str, ChannelAdapter],
        clock: Clock,
        holder: str | None = None,
        config: SyncConfig | None = None,
        rng: random.Random | None = None,
        tick: Sequence[Callable[[datetime], object]] = (),
    ) -> None:
        self.clock = clock
        self.tick = list(tick)
        self.holder = holder or default_holder()
        rng = rng or random.Random()
        self.dispatchers = {
            name: Dispatcher(
                store=store,
                channel=name,
                adapter=adapter,
                holder=self.holder,
                config=config,
                rng=rng,
                clock=clock.now,
            )
            for name, adapter in sorted(adapters.items())
        }

    def run_once(self) -> list[ChannelRun]:
        now = self.clock.now()
        runs = [d.run(now) for d in self.dispatchers.values()]
        for hook in self.tick:
            try:
                hook(now)
            except Exception:
                log.exception("tick hook failed", extra={"holder": self.holder})
        return runs

    def reconcile(self, channel: str | None = None) -> list[ReconcileReport]:
        now = self.clock.now()
        return [
            reconcile(d, now)
            for name, d in self.dispatchers.items()
            if channel is None or name == channel
        ]

    def run(self, stop: threading.Event, settings: LoopSettings | None = None) -> None:
        """Pass after pass until ``stop`` is set."""
        loop = settings or LoopSettings()
        last_reconcile = self.clock.now()
        while not stop.is_set():
            try:
                self.run_once()
                if self._due(last_reconcile, loop):
                    self.reconcile()
                    last_reconcile = self.clock.now()
            except Exception:
                log.exception("sync pass failed", extra={"holder": self.holder})
            stop.wait(loop.interval_s)

    def _due(self, last: datetime, loop: LoopSettings) -> bool:
        every = loop.reconcile_every_s
        return every is not None and (self.clock.now() - last).total_seconds() >= every
