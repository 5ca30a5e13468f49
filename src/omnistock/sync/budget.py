"""Budget: a token bucket per channel account, pure code over a stored ``BudgetState`` value.

Two buckets share one state: requests and offer changes. Sized from the documented limit ``L``
per window ``W``: capacity ``C = L·burst`` and refill ``(L − C)/W`` per second, so in *any*
window of length ``W`` at most ``C + (L − C) = L`` is spent — never a burst beyond the limit.
A 429 empties both buckets and halves ``scale`` (capacity and refill shrink with it); a
``Retry-After`` also blocks until then. Each success grows ``scale`` back by ``recover_step``.

>>> from datetime import UTC, datetime, timedelta
>>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
>>> spec = BudgetSpec(requests=10, changes=100, window_s=10.0)
>>> state = full_budget(spec, t0)
>>> state.changes, state.requests
(50.0, 5.0)
>>> state = spend(spec, state, changes=50, now=t0)
>>> state.changes
0.0
>>> wait_seconds(spec, state, changes=10, now=t0)
2.0
>>> spend(spec, state, changes=10, now=t0 + timedelta(seconds=2)).changes
0.0
>>> limited = rate_limited(spec, state, now=t0, retry_after=30)
>>> limited.scale, wait_seconds(spec, limited, changes=1, now=t0)
(0.5, 30.0)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from omnistock.channels.base import ChannelLimits

__all__ = [
    "BudgetExhausted",
    "BudgetSpec",
    "BudgetState",
    "available",
    "blocked",
    "full_budget",
    "rate_limited",
    "recovered",
    "spec_from_limits",
    "spend",
    "wait_seconds",
]


class BudgetExhausted(Exception):
    """Not enough budget now; ``wait_s`` says how long until there is."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"budget exhausted for {wait_s:.3f} s")
        self.wait_s = wait_s


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetSpec:
    """Limits of one account: ``requests`` and ``changes`` per ``window_s`` seconds."""

    requests: int
    changes: int
    window_s: float
    burst: float = 0.5
    min_scale: float = 0.05
    recover_step: float = 0.1

    def capacity(self, limit: int, scale: float) -> float:
        return limit * self.burst * scale

    def refill_per_s(self, limit: int, scale: float) -> float:
        return limit * (1 - self.burst) * scale / self.window_s


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetState:
    """Stored state: tokens left at ``updated_at``, shrink ``scale``, optional ``blocked_until``."""

    requests: float
    changes: float
    updated_at: datetime
    scale: float = 1.0
    blocked_until: datetime | None = None


def spec_from_limits(limits: ChannelLimits) -> BudgetSpec:
    return BudgetSpec(
        requests=limits.requests_per_window,
        changes=limits.changes_per_window,
        window_s=limits.window_s,
    )


def full_budget(spec: BudgetSpec, now: datetime) -> BudgetState:
    return BudgetState(
        requests=spec.capacity(spec.requests, 1.0),
        changes=spec.capacity(spec.changes, 1.0),
        updated_at=now,
    )


def available(spec: BudgetSpec, state: BudgetState, now: datetime) -> BudgetState:
    """The state refilled up to ``now`` (never above capacity, never back in time)."""
    elapsed = max(0.0, (now - state.updated_at).total_seconds())
    s = state.scale
    return replace(
        state,
        requests=min(
            spec.capacity(spec.requests, s),
            state.requests + elapsed * spec.refill_per_s(spec.requests, s),
        ),
        changes=min(
            spec.capacity(spec.changes, s),
            state.changes + elapsed * spec.refill_per_s(spec.changes, s),
        ),
        updated_at=max(now, state.updated_at),
    )


def wait_seconds(
    spec: BudgetSpec, state: BudgetState, *, changes: int, now: datetime, requests: int = 1
) -> float:
    """Seconds until ``requests`` requests carrying ``changes`` offer changes may go (0 = now)."""
    blocked = (state.blocked_until - now).total_seconds() if state.blocked_until else 0.0
    cur = available(spec, state, now)
    s = cur.scale
    need_c = min(float(changes), spec.capacity(spec.changes, s)) - cur.changes
    need_r = min(float(requests), max(1.0, spec.capacity(spec.requests, s))) - cur.requests
    waits = [
        max(0.0, blocked),
        max(0.0, need_c) / spec.refill_per_s(spec.changes, s),
        max(0.0, need_r) / spec.refill_per_s(spec.requests, s),
    ]
    return round(max(waits), 6)


def spend(
    spec: BudgetSpec, state: BudgetState, *, changes: int, now: datetime, requests: int = 1
) -> BudgetState:
    """Spend ``requests`` requests and ``changes`` changes, or raise ``BudgetExhausted``.

    A batch larger than the (shrunk) capacity may be sent once the bucket is full, leaving it
    empty; callers keep batches within capacity where they can.
    """
    wait = wait_seconds(spec, state, changes=changes, now=now, requests=requests)
    if wait > 0:
        raise BudgetExhausted(wait)
    cur = available(spec, state, now)
    return replace(
        cur,
        requests=max(0.0, cur.requests - requests),
        changes=max(0.0, cur.changes - changes),
        blocked_until=None,
    )


def rate_limited(
    spec: BudgetSpec, state: BudgetState, *, now: datetime, retry_after: float | None
) -> BudgetState:
    """After a 429: empty buckets, halve ``scale``, block until ``Retry-After`` when given."""
    blocked = now + timedelta(seconds=retry_after) if retry_after else None
    return replace(
        available(spec, state, now),
        requests=0.0,
        changes=0.0,
        scale=max(spec.min_scale, state.scale / 2),
        blocked_until=blocked,
    )


def blocked(
    spec: BudgetSpec,
    state: BudgetState,
    *,
    now: datetime,
    until_s: float,
    requests: float = 0.0,
    changes: float = 0.0,
) -> BudgetState:
    """Our own limiter said "not before ``until_s``" (no request went out): block, shrink
    nothing, and give back the ``requests`` and ``changes`` spent for the refused call."""
    until = now + timedelta(seconds=until_s)
    current = available(spec, state, now)
    later = max(until, current.blocked_until) if current.blocked_until else until
    s = current.scale
    return replace(
        current,
        requests=min(spec.capacity(spec.requests, s), current.requests + requests),
        changes=min(spec.capacity(spec.changes, s), current.changes + changes),
        blocked_until=later,
    )


def recovered(spec: BudgetSpec, state: BudgetState) -> BudgetState:
    """After a successful call: grow ``scale`` back towards 1."""
    return replace(state, scale=min(1.0, state.scale + spec.recover_step))
