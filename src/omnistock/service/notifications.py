"""Notifications from the worker: each tick watches, records incidents and sends what is due.

:class:`AlertsTick` is called by the worker after every pass (``Worker(tick=[…])``):

1. beat this worker's heartbeat;
2. fold engine state into incidents: dead items, breakers open longer than ``breaker_after``,
   other workers' missing heartbeats, stale stock sources;
3. ``notify_once`` over unresolved incidents plus recently resolved ones (their "resolved"
   message), skipping keys that wait for a retry; store the sent log and retry times; fold
   sending failures back as ``notify_failed`` incidents.

Each step is guarded: a failure is logged and never stops the worker or the next step. The
notifier is built without in-call sleeps (one attempt per tick), so sending never blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from omnistock.domain.incidents import IncidentState, NotificationPolicy, Occurrence, Via
from omnistock.notify import (
    CycleResult,
    DeliveryRecord,
    Notifier,
    NotifyConfig,
    SendRetry,
    build_senders,
    notify_once,
    probe_notification,
)
from omnistock.notify.result import Sender
from omnistock.service.incidents import (
    WatchSettings,
    breaker_occurrences,
    dead_item_occurrences,
    heartbeat_occurrences,
    stale_source_occurrences,
)
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.sync_repository import SyncStore

__all__ = ["AlertsTick", "run_notifications", "send_test", "tick_notifier", "watch"]

log = logging.getLogger(__name__)

RESOLVED_LOOKBACK = timedelta(days=7)


def tick_notifier(senders: Mapping[Via, Sender]) -> Notifier:
    """A notifier that never sleeps: a failed send waits for a later tick (``retry_at``)."""
    return Notifier(senders, retry=SendRetry(attempts=1), sleep=lambda _s: None)


def run_notifications(
    store: IncidentStore, policy: NotificationPolicy, notifier: Notifier, now: datetime
) -> CycleResult:
    """Plan and deliver what is due now; store the outcome; fold failures into incidents."""
    unresolved = store.incidents(states=(IncidentState.OPEN, IncidentState.ACKNOWLEDGED))
    resolved = store.incidents(states=(IncidentState.RESOLVED,), since=now - RESOLVED_LOOKBACK)
    result = notify_once(
        [*unresolved, *resolved],
        store.sent_log(),
        now,
        policy,
        notifier,
        not_before=store.retries(),
    )
    store.store_cycle(
        result.sent, result.retry_at, done=[r.notification.key for r in result.records]
    )
    if result.failures:
        store.record(list(result.failures), now=now)
    return result


def watch(
    sync: SyncStore,
    safety: SafetyStore,
    incidents: IncidentStore,
    *,
    now: datetime,
    settings: WatchSettings,
    me: str | None = None,
) -> list[Occurrence]:
    """Turn engine state into incidents (also run by ``omnistock incidents check``)."""
    found = [
        *dead_item_occurrences(sync, now=now),
        *breaker_occurrences(sync, now=now, settings=settings),
        *heartbeat_occurrences(safety, now=now, settings=settings, me=me),
        *stale_source_occurrences(safety, now=now, settings=settings),
    ]
    incidents.record(found, now=now)
    return found


@dataclass(slots=True, kw_only=True)
class AlertsTick:
    """The worker's per-tick watch and notification step; never raises."""

    sync: SyncStore
    safety: SafetyStore
    incidents: IncidentStore
    holder: str
    policy: NotificationPolicy = field(default_factory=NotificationPolicy)
    notifier: Notifier | None = None
    settings: WatchSettings = field(default_factory=WatchSettings)
    last: CycleResult | None = None

    def __call__(self, now: datetime) -> None:
        self._guarded("heartbeat", lambda: self.safety.beat(self.holder, now))
        self._guarded("watch", lambda: self._watch(now))
        if self.notifier is not None:
            notifier = self.notifier
            self._guarded("notify", lambda: self._notify(notifier, now))

    def _watch(self, now: datetime) -> None:
        watch(
            self.sync, self.safety, self.incidents, now=now, settings=self.settings, me=self.holder
        )

    def _notify(self, notifier: Notifier, now: datetime) -> None:
        self.last = run_notifications(self.incidents, self.policy, notifier, now)

    def _guarded(self, step: str, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:
            log.exception("alerts step failed", extra={"step": step, "holder": self.holder})


def send_test(config: NotifyConfig, via: Via, now: datetime) -> DeliveryRecord:
    """``omnistock notify test``: one probe message through the configured sender for ``via``."""
    notifier = Notifier(build_senders(config), retry=SendRetry(attempts=1), sleep=lambda _s: None)
    return notifier.deliver(probe_notification(via, now), now)
