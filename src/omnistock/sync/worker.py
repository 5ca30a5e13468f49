"""Worker: serves every channel account's dispatcher, each account on its own thread.

``run_once`` makes one pass: every account's dispatcher runs **concurrently** (one thread per
account, each with its own DB connections from the engine's pool and its own lease, budget and
breaker rows), so a slow channel (an Amazon feed poll) never delays another channel's push; the
pass ends when every account is done, then each ``tick`` hook is called with the pass's ``now``
(e.g. the safety watch and notifications); a failing hook is logged and never stops the pass. An
account that raises does not stop the others nor the ticks (on threads and in serial mode alike);
the first error is raised again once all accounts and ticks finished.

``run`` keeps one loop per account (``interval_s`` between its passes, waiting on the stop
event — never a bare sleep) plus the main loop for tick hooks and the reconciler (every
``reconcile_every_s`` seconds, run by each account's own thread, so it never overlaps that
account's push). Several workers may run against PostgreSQL: the per-channel lease keeps one
dispatcher per channel account, and the budget in the database is shared.

SQLite: a file database (WAL, ``BEGIN IMMEDIATE``, busy timeout) serialises the threads' writes
itself; an in-memory ``sqlite://`` database has one shared connection (``StaticPool``), so its
accounts run one after the other in the calling thread (``SyncStore.threads_ok``).
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
from functools import partial
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
    """One worker process's sync engine over ``adapters`` (channel name → adapter).

    Each dispatcher gets its own random generator, derived from ``rng`` in channel-name order,
    so retry jitter does not depend on which thread runs first.
    """

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
        self.threads = store.threads_ok
        rng = rng or random.Random()
        self.dispatchers = {
            name: Dispatcher(
                store=store,
                channel=name,
                adapter=adapter,
                holder=self.holder,
                config=config,
                rng=random.Random(rng.getrandbits(64)),
                clock=clock.now,
            )
            for name, adapter in sorted(adapters.items())
        }

    def run_once(self) -> list[ChannelRun]:
        """One pass of every account, then the tick hooks; an account's error is raised last."""
        now = self.clock.now()
        runs, errors = self._each(lambda d: d.run(now))
        self._tick(now)
        if errors:
            raise errors[0]
        return runs

    def _tick(self, now: datetime) -> None:
        for hook in self.tick:
            try:
                hook(now)
            except Exception:
                log.exception("tick hook failed", extra={"holder": self.holder})

    def _each(
        self, work: Callable[[Dispatcher], ChannelRun]
    ) -> tuple[list[ChannelRun], list[BaseException]]:
        """``work`` for every dispatcher, concurrently when the store allows, else one by one.

        An account that raises is logged and never stops the others: the runs of the accounts
        that finished (in name order) and the errors (in the order they happened) are returned.
        """
        dispatchers = list(self.dispatchers.values())
        results: dict[str, ChannelRun] = {}
        errors: list[BaseException] = []

        def serve(d: Dispatcher) -> None:
            try:
                results[d.channel] = work(d)
            except BaseException as exc:  # returned, after every account finished
                log.exception("channel pass failed", extra={"channel": d.channel})
                errors.append(exc)

        if not self.threads or len(dispatchers) < 2:
            for d in dispatchers:
                serve(d)
        else:
            threads = [
                threading.Thread(target=serve, args=(d,), name=f"sync-{d.channel}", daemon=True)
                for d in dispatchers
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        return [results[d.channel] for d in dispatchers if d.channel in results], errors

    def reconcile(self, channel: str | None = None) -> list[ReconcileReport]:
        now = self.clock.now()
        return [
            reconcile(d, now)
            for name, d in self.dispatchers.items()
            if channel is None or name == channel
        ]

    def run(self, stop: threading.Event, settings: LoopSettings | None = None) -> None:
        """Pass after pass until ``stop`` is set: one loop per account, ticks on this thread."""
        loop = settings or LoopSettings()
        if not self.threads:
            self._serial(stop, loop)
            return
        accounts = [
            threading.Thread(
                target=self._account, args=(d, stop, loop), name=f"sync-{d.channel}", daemon=True
            )
            for d in self.dispatchers.values()
        ]
        for t in accounts:
            t.start()
        try:
            while not stop.is_set():
                self._tick(self.clock.now())
                stop.wait(loop.interval_s)
        finally:
            stop.set()
            for t in accounts:
                t.join()

    def _account(self, d: Dispatcher, stop: threading.Event, loop: LoopSettings) -> None:
        """One account's loop: its passes and its reconciles, never overlapping."""
        last_reconcile = self.clock.now()
        while not stop.is_set():
            due = self._due(last_reconcile, loop)
            try:
                self._account_pass(d, reconcile_due=due)
                if due:
                    last_reconcile = self.clock.now()
            except Exception:
                log.exception("sync pass failed", extra={"channel": d.channel})
            stop.wait(loop.interval_s)

    def _account_pass(self, d: Dispatcher, *, reconcile_due: bool) -> ChannelRun:
        run = d.run(self.clock.now())
        if reconcile_due:
            reconcile(d, self.clock.now())
        return run

    def _serial(self, stop: threading.Event, loop: LoopSettings) -> None:
        """Every account one after the other, each guarded, then the ticks, pass after pass."""
        last_reconcile = self.clock.now()
        while not stop.is_set():
            now = self.clock.now()
            due = self._due(last_reconcile, loop)
            self._each(partial(self._account_pass, reconcile_due=due))
            if due:
                last_reconcile = self.clock.now()
            self._tick(now)
            stop.wait(loop.interval_s)

    def _due(self, last: datetime, loop: LoopSettings) -> bool:
        every = loop.reconcile_every_s
        return every is not None and (self.clock.now() - last).total_seconds() >= every
