"""Figures of the sync benchmark: call counting, latency timelines, percentiles, the baseline.

Helpers shared by the fake-channel and the sandbox-backed runs of ``sync_bench``.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from omnistock.channels.base import (
    Capabilities,
    ChannelAdapter,
    OrderPage,
    PushBatch,
    PushReport,
)

POLL_BASELINE_S = 900.0


@dataclass(frozen=True)
class Change:
    """A listing's desired quantity moved by a committed stock change."""

    channel: str
    offer: str
    at: datetime
    desired: int


class Counted:
    """A ``ChannelAdapter`` that counts the pushes and result polls going through it."""

    def __init__(self, inner: ChannelAdapter) -> None:
        self.inner, self.pushes, self.polls = inner, 0, 0
        self.busy_s = 0.0  # wall seconds spent inside push and poll

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def push(self, batch: PushBatch) -> PushReport:
        self.pushes += 1
        started = time.perf_counter()
        try:
            return self.inner.push(batch)
        finally:
            self.busy_s += time.perf_counter() - started

    def poll(self, batch_id: UUID) -> PushReport:
        self.polls += 1
        started = time.perf_counter()
        try:
            return self.inner.poll(batch_id)
        finally:
            self.busy_s += time.perf_counter() - started

    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]:
        return self.inner.read_quantities(offer_ids)

    def poll_orders(self, cursor: str | None) -> OrderPage:
        return self.inner.poll_orders(cursor)


Confirmation = tuple[str, int, datetime, datetime]
"""``(offer_id, quantity, observed_at, confirmed_at)`` as ``SyncStore.confirmations`` gives."""


def poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def pct(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def latencies(
    changed: Iterable[Change],
    confirmations: Iterable[Confirmation],
    shown_before: Mapping[str, int],
    *,
    catch_up: bool = False,
) -> list[float]:
    """Per listing change (one channel): seconds until the channel confirmed that or a newer value.

    A change committed at ``t`` is settled by the first confirmed push whose value was observed
    at or after ``t`` (that value, or a newer one that superseded it), or — a change reverted
    before it was pushed — when the channel already shows the desired value again. Never
    settled → ``inf``. ``catch_up=True`` is the stricter measure: a change settles only once the
    channel shows the **latest** desired value (a hot offer changing faster than one push
    round trip keeps its older changes waiting until it pauses).
    """
    pushes: dict[str, list[tuple[datetime, int, datetime]]] = {}
    for offer, quantity, observed, done in confirmations:
        pushes.setdefault(offer, []).append((done, quantity, observed))
    by_offer: dict[str, list[Change]] = {}
    for change in changed:
        by_offer.setdefault(change.offer, []).append(change)
    out: list[float] = []
    for offer, changes in by_offer.items():
        done = sorted(pushes.get(offer, []))
        out.extend(settle_times(changes, done, shown_before.get(offer), catch_up=catch_up))
    return out


def settle_times(
    changes: list[Change],
    pushes: list[tuple[datetime, int, datetime]],
    shown: int | None,
    *,
    catch_up: bool = False,
) -> list[float]:
    # at equal times the push came first: a pass runs before the events of its instant
    events = sorted(
        [(c.at, 1, c.desired, c.at) for c in changes] + [(at, 0, q, o) for at, q, o in pushes],
        key=lambda e: (e[0], e[1]),
    )
    waiting: list[datetime] = []
    desired: int | None = None
    out: list[float] = []
    for at, kind, value, observed in events:
        if kind == 1:
            desired = value
            waiting.append(at)
        else:
            shown = value
            if not catch_up:  # this push carried every change committed up to its observation
                out.extend((at - t).total_seconds() for t in waiting if t <= observed)
                waiting = [t for t in waiting if t > observed]
        if waiting and shown == desired:
            out.extend((at - t).total_seconds() for t in waiting)
            waiting = []
    out.extend(math.inf for _ in waiting)
    return out


def poll_baseline(
    rng: random.Random,
    changes: int,
    offers: int,
    max_batch: int,
    span_s: float,
    cycle_s: float = 0.0,
) -> tuple[list[float], int]:
    """Competitors' loop for one channel: read and push every offer every 15 minutes.

    A change waits for the next cycle — uniform on (0, 900 s], each change with a seeded random
    phase (a 60 s window would otherwise see one phase only) — plus ``cycle_s``, the time one
    full push of every offer took (measured on the channel). Every cycle reads and pushes all
    offers in full batches. Returns (latencies, API calls over ``span_s``).
    """
    lat = [POLL_BASELINE_S * (1 - rng.random()) + cycle_s for _ in range(changes)]
    cycles = math.ceil(max(POLL_BASELINE_S, span_s) / POLL_BASELINE_S)
    return lat, cycles * 2 * math.ceil(offers / max_batch)
