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

__all__ = ["AccountHealth", "Clock", "LoopSettings", "Worker", "default_holder"]

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
    stale_after_s: float = 300.0
    """An account pass still running after this long is reported (``pass_stale``)."""


@dataclass(slots=True, kw_only=True)
class AccountHealth:
    """What the worker knows of one account's passes (``Worker.health``; read under its lock)."""

    failures: int = 0
    """Failed passes in a row (0 after a pass that finished without error)."""
    last_error: str | None = None
    last_finished: datetime | None = None
    """When the last pass ended, failed or not."""
    last_ok: datetime | None = None
    running_since: datetime | None = None
    """Start of the pass now running (None between passes)."""
    stale_reported: bool = False
    death_reported: bool = False
    restarts: int = 0
    """Times the account's thread was found dead and started again."""


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
        fail_after: int = 3,
    ) -> None:
        if fail_after < 1:
            raise ValueError(f"fail_after must be at least 1, got {fail_after}")
        self.clock = clock
        self.store = store
        self.fail_after = fail_after
        self._lock = threading.Lock()
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
        self.health = {name: AccountHealth() for name in self.dispatchers}

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
                results[d.channel] = self._watched(d, work)
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
        accounts = {name: self._start(d, stop, loop) for name, d in self.dispatchers.items()}
        try:
            while not stop.is_set():
                now = self.clock.now()
                self.check_accounts(accounts, stop, loop, now)
                self._tick(now)
                stop.wait(loop.interval_s)
        finally:
            stop.set()
            for t in accounts.values():
                t.join()

    def _start(self, d: Dispatcher, stop: threading.Event, loop: LoopSettings) -> threading.Thread:
        thread = threading.Thread(
            target=self._account, args=(d, stop, loop), name=f"sync-{d.channel}", daemon=True
        )
        thread.start()
        return thread

    def check_accounts(
        self,
        accounts: dict[str, threading.Thread],
        stop: threading.Event,
        loop: LoopSettings,
        now: datetime,
    ) -> None:
        """Report (and restart) a dead account thread; report a pass running too long."""
        for name, thread in list(accounts.items()):
            h = self.health[name]
            if not thread.is_alive() and not stop.is_set():
                with self._lock:
                    h.restarts += 1
                    h.running_since = None
                    first, error = not h.death_reported, h.last_error
                    h.death_reported = True
                if first:  # once until a pass succeeds again
                    self._report(name, "thread_died", f"account thread died ({error})", now)
                accounts[name] = self._start(self.dispatchers[name], stop, loop)
                continue
            with self._lock:
                since = h.running_since
                stale = (
                    since is not None
                    and not h.stale_reported
                    and (now - since).total_seconds() > loop.stale_after_s
                )
                if stale:
                    h.stale_reported = True
            if stale and since is not None:
                at = since.isoformat(timespec="seconds")
                self._report(name, "pass_stale", f"a pass running since {at}", now)

    def _account(self, d: Dispatcher, stop: threading.Event, loop: LoopSettings) -> None:
        """One account's loop: its passes and its reconciles, never overlapping."""
        last_reconcile = self.clock.now()
        while not stop.is_set():
            due = self._due(last_reconcile, loop)
            try:
                self._watched(d, partial(self._account_pass, reconcile_due=due))
                if due:
                    last_reconcile = self.clock.now()
            except Exception:
                log.exception("sync pass failed", extra={"channel": d.channel})
            except BaseException:  # the thread ends; the main loop reports and restarts it
                log.critical("account thread stopped", exc_info=True, extra={"channel": d.channel})
                return
            stop.wait(loop.interval_s)

    def _watched(self, d: Dispatcher, work: Callable[[Dispatcher], ChannelRun]) -> ChannelRun:
        """``work(d)``, keeping ``health``: a ``pass_failed`` incident after ``fail_after``."""
        h = self.health[d.channel]
        with self._lock:
            h.running_since = self.clock.now()
        try:
            run = work(d)
        except BaseException as exc:
            now = self.clock.now()
            with self._lock:
                h.failures += 1
                h.last_error = f"{type(exc).__name__}: {exc}"
                h.last_finished, h.running_since, h.stale_reported = now, None, False
                failures, error = h.failures, h.last_error
            if failures == self.fail_after:
                self._report(d.channel, "pass_failed", f"{failures} passes failed: {error}", now)
            raise
        now = self.clock.now()
        with self._lock:
            h.failures, h.last_error, h.stale_reported, h.death_reported = 0, None, False, False
            h.last_finished = h.last_ok = now
            h.running_since = None
        return run

    def _report(self, channel: str, kind: str, message: str, now: datetime) -> None:
        """A sync incident for the alerts watch; a store failure is only logged."""
        log.error("sync account problem", extra={"channel": channel, "problem": message})
        try:
            self.store.record_channel_incident(channel, kind=kind, message=message, now=now)
        except Exception:
            log.exception("could not record a sync incident", extra={"channel": channel})

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
