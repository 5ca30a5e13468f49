"""Dispatcher: pushes one channel account's dirty listings, durably, within its budget.

One pass (``Dispatcher.run``) under the channel's lease:

1. recover open batches (sent or accepted, results not recorded) — looked up, never resent
   blindly (``recovery``);
2. ask the pause switch and the breaker; while paused or open nothing is sent and nothing is
   lost (listings stay dirty);
3. show the change-set to the guard (held items → ``held``, impossible values → ``error``);
4. plan batches from dirty listings (coalesced, decreases first, chunked);
5. for each batch: re-read (items whose fresh desired differs are dropped and re-planned next
   pass), spend from the shared budget (stop when empty), persist the batch with its id, push,
   validate the report, record per-item outcomes.

A channel whose push operations have their own limits (``Capabilities.operations``, e.g.
Amazon ``patch`` ≤ 5 SKUs and ``feed``) has one budget per operation instead of the account
budget: a change-set the smallest operation holds goes by it, a larger one waits for the
operation that holds it — so a used-up feed quota never blocks nor shrinks the patch budget.
A ``RateLimited`` raised by the adapter's own limiter (no HTTP status: nothing was sent) blocks
that budget until ``retry_after`` without shrinking it; a real 429 empties and halves it.

Item outcomes: ``ok`` → pushed; ``permanent`` → ``error`` (visible, not retried for the same
quantity); ``retryable`` or a batch-level failure → ``retry`` at the policy's time, or ``dead``
with an incident after the last attempt.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from omnistock.channels.base import (
    ChannelAdapter,
    ChannelError,
    ItemResult,
    ItemStatus,
    MalformedResponse,
    PermanentChannelError,
    PushBatch,
    PushItem,
    PushOperation,
    PushReport,
    RateLimited,
    TransientChannelError,
    is_auth_failure,
    validate_report,
)
from omnistock.domain.ids import ChannelId
from omnistock.store.sync_repository import ItemOutcome, SyncStore
from omnistock.sync import budget as bud
from omnistock.sync.breaker import BreakerPolicy, BreakerStatus
from omnistock.sync.planner import ListingChange, plan
from omnistock.sync.recovery import recover
from omnistock.sync.retry import RetryPolicy

__all__ = [
    "ChannelRun",
    "Dispatcher",
    "Guard",
    "Hold",
    "Paused",
    "ReadCheck",
    "Reread",
    "SyncConfig",
    "outcome_of",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Hold:
    """A change the guard keeps back, with the reason shown to the seller."""

    offer_id: str
    reason: str
    error: bool = False  # an impossible value (sanity): ``error``, not ``held``
    quantity: int | None = None
    recorded: bool = False  # the guard already stored ``held`` (with its hold, atomically)


Guard = Callable[[str, Sequence[ListingChange], datetime], Sequence[Hold]]
"""Safety seam: sees a channel's change-set before it leaves and names the changes to hold.

Held listings are not sent; they stay ``held`` until ``SyncStore.release_holds``.
"""

Reread = Callable[[str, Sequence[PushItem]], set[str]]
"""Safety seam: right before a batch is sent, the offer ids whose fresh value differs."""

ReadCheck = Callable[[str, Mapping[str, int], Mapping[str, int]], bool]
"""Safety seam: ``(channel, read, last pushed) → may the reconciler apply this channel read?``"""

Paused = Callable[[str], bool]
"""Safety seam: the pause switch; a paused channel sends nothing and loses nothing."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncConfig:
    """Engine settings shared by dispatcher, recovery and worker."""

    guard: Guard | None = None
    reread: Reread | None = None
    paused: Paused | None = None
    read_check: ReadCheck | None = None

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    lease_ttl_s: float = 60.0
    pending_timeout_s: float = 3600.0
    claim_limit: int = 50_000
    burst: float = 0.5


@dataclass(slots=True, kw_only=True)
class ChannelRun:
    """What one pass did for one channel."""

    channel: str
    leased: bool = True
    batches: int = 0
    pushed: int = 0
    failed: int = 0
    recovered: int = 0
    budget_wait_s: float = 0.0
    breaker: str = BreakerStatus.CLOSED


def outcome_of(error: ChannelError) -> str:
    """The attempt outcome recorded for a failed call."""
    for kind, name in (
        (RateLimited, "rate_limited"),
        (MalformedResponse, "malformed"),
        (TransientChannelError, "transient"),
        (PermanentChannelError, "permanent"),
    ):
        if isinstance(error, kind):
            return name
    return "failed"


class Dispatcher:
    """Pushes one channel account through ``adapter``; state lives in ``store``."""

    def __init__(
        self,
        *,
        store: SyncStore,
        channel: str,
        adapter: ChannelAdapter,
        holder: str,
        config: SyncConfig | None = None,
        rng: random.Random | None = None,
        new_id: Callable[[], UUID] = uuid4,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.channel = ChannelId(channel)
        self.adapter = adapter
        self.holder = holder
        self.config = config or SyncConfig()
        self.rng = rng or random.Random()
        self.new_id = new_id
        self.clock = clock
        limits = adapter.capabilities.limits
        self.spec = bud.BudgetSpec(
            requests=limits.requests_per_window,
            changes=limits.changes_per_window,
            window_s=limits.window_s,
            burst=self.config.burst,
        )

    # -- the pass ---------------------------------------------------------------------------
    def run(self, now: datetime) -> ChannelRun:
        result = ChannelRun(channel=self.channel)
        if not self.acquire(now):
            result.leased = False
            return result
        try:
            result.recovered = recover(self, now)
            self._push_dirty(now, result)
        finally:
            self.release()
        return result

    def acquire(self, now: datetime) -> bool:
        """Take or extend this channel's lease (one worker per channel account)."""
        return self.store.acquire_lease(
            self.channel, self.holder, now=now, ttl_s=self.config.lease_ttl_s
        )

    def release(self) -> None:
        self.store.release_lease(self.channel, self.holder)

    def _push_dirty(self, now: datetime, result: ChannelRun) -> None:
        if self.config.paused is not None and self.config.paused(self.channel):
            result.breaker = "paused"
            return
        policy = self.config.breaker
        breaker = self.store.update_breaker(self.channel, lambda s: policy.probe(s, now))
        result.breaker = breaker.status
        if not policy.allow(breaker, now):
            return
        caps = self.adapter.capabilities
        changes = self._guarded(
            self.store.dirty_listings(self.channel, now=now, limit=self.config.claim_limit), now
        )
        if caps.operations:
            self._push_by_operation(changes, now, result)
            return
        size = max(1, min(caps.max_batch, int(self.spec.capacity(self.spec.changes, 1.0))))
        for items in plan(changes, max_batch=size, zero_means_end=caps.zero_means_end):
            now = max(now, self.clock()) if self.clock else now
            if not self.acquire(now):
                return
            items = self._reread(items)
            if not items:
                continue
            wait = self.spend(len(items), now)
            if wait > 0:
                result.budget_wait_s = wait
                return
            ok = self.send(PushBatch(id=self.new_id(), channel=self.channel, items=items), now)
            result.batches += 1
            result.pushed += len(items) if ok else 0
            result.failed += 0 if ok else len(items)
            result.breaker = self.store.channel_row(self.channel).breaker.status
            if not ok:
                return

    def _push_by_operation(
        self, changes: list[ListingChange], now: datetime, result: ChannelRun
    ) -> None:
        """Send in batches of the operation that holds what is left, within its own budget."""
        caps = self.adapter.capabilities
        batches = plan(changes, max_batch=caps.max_batch, zero_means_end=caps.zero_means_end)
        items = [i for b in batches for i in b]
        while items:
            now = max(now, self.clock()) if self.clock else now
            if not self.acquire(now):
                return
            op = self.operation_for(len(items))
            chunk = self._reread(tuple(items[: op.max_items]))
            taken = min(len(items), op.max_items)
            if not chunk:
                items = items[taken:]
                continue
            op = self.operation_for(len(chunk))
            wait = self.spend(len(chunk), now, operation=op)
            if wait > 0:
                result.budget_wait_s = wait
                return
            items = items[taken:]
            ok = self.send(PushBatch(id=self.new_id(), channel=self.channel, items=chunk), now)
            result.batches += 1
            result.pushed += len(chunk) if ok else 0
            result.failed += 0 if ok else len(chunk)
            result.breaker = self.store.channel_row(self.channel).breaker.status
            if not ok:
                return

    def operation_for(self, size: int) -> PushOperation:
        """The operation the adapter uses for a batch of ``size`` (smallest that holds it)."""
        ops = sorted(self.adapter.capabilities.operations, key=lambda o: o.max_items)
        return next((o for o in ops if o.max_items >= size), ops[-1])

    @staticmethod
    def _op_spec(op: PushOperation) -> bud.BudgetSpec:
        return bud.BudgetSpec(
            requests=op.limits.requests_per_window,
            changes=op.limits.changes_per_window,
            window_s=op.limits.window_s,
            burst=op.burst,
        )

    def _guarded(self, changes: list[ListingChange], now: datetime) -> list[ListingChange]:
        """Changes the guard lets through; the held ones are recorded as ``held``."""
        if self.config.guard is None or not changes:
            return changes
        asked = [c for c in changes if not c.approved]
        verdict = self.config.guard(self.channel, asked, now)
        holds = {h.offer_id: h.reason for h in verdict if not h.error}
        errors = {h.offer_id: h.reason for h in verdict if h.error}
        unrecorded = {h.offer_id: h.reason for h in verdict if not h.error and not h.recorded}
        if unrecorded:
            self.store.hold(self.channel, unrecorded, now=now)
        if errors:
            failed = {h.offer_id: h.quantity for h in verdict if h.error and h.quantity is not None}
            self.store.hold(self.channel, errors, now=now, state="error", quantities=failed)
        return [c for c in changes if c.offer_id not in holds and c.offer_id not in errors]

    def _reread(self, items: tuple[PushItem, ...]) -> tuple[PushItem, ...]:
        """Drop items whose freshly read value differs (they are re-planned next pass)."""
        if self.config.reread is None:
            return items
        changed = self.config.reread(self.channel, items)
        return tuple(i for i in items if i.offer_id not in changed)

    def spend(
        self, changes: int, now: datetime, *, operation: PushOperation | None = None
    ) -> float:
        """Spend budget for one call; 0.0 when spent, else seconds to wait (nothing spent)."""
        spec = self.spec if operation is None else self._op_spec(operation)
        requests = changes if operation is not None and operation.requests_per_item else 1

        def change(state: bud.BudgetState | None) -> tuple[bud.BudgetState, float]:
            current = state or bud.full_budget(spec, now)
            try:
                return bud.spend(spec, current, changes=changes, now=now, requests=requests), 0.0
            except bud.BudgetExhausted as exc:
                return current, exc.wait_s

        if operation is None:
            return self.store.update_budget(self.channel, change)
        return self.store.update_operation_budget(self.channel, operation.name, change)

    # -- one batch --------------------------------------------------------------------------
    def send(self, batch: PushBatch, now: datetime, *, persisted: bool = False) -> bool:
        """Persist (unless already), push, record. True if the batch was answered."""
        if not persisted:
            self.store.add_batch(batch, now=now)
        started = time.perf_counter()
        try:
            report = validate_report(batch, self.adapter.push(batch))
        except ChannelError as exc:
            self._attempt(batch, now, started, outcome_of(exc), exc.http_status, str(exc))
            self.fail_batch(batch, exc, now)
            return False
        self._attempt(
            batch, now, started, "pending" if report.pending else "ok", report.http_status
        )
        self.accept(batch, report, now)
        return True

    def _attempt(
        self,
        batch: PushBatch,
        now: datetime,
        started: float,
        outcome: str,
        http_status: int | None,
        error: str | None = None,
    ) -> None:
        duration_ms = int((time.perf_counter() - started) * 1000)
        self.store.record_attempt(
            batch.id,
            self.channel,
            started_at=now,
            duration_ms=duration_ms,
            outcome=outcome,
            http_status=http_status,
            error=error,
        )

    def accept(self, batch: PushBatch, report: PushReport, now: datetime) -> None:
        """Record a validated report: pending (results later) or per-item results."""
        if report.pending:
            self.store.mark_pending(batch.id, report.command_id)
            return
        by_offer = {r.offer_id: r for r in report.results}
        attempts = self.store.attempts_of(self.channel, [i.offer_id for i in batch.items])
        outcomes = [
            self._outcome(i, by_offer[i.offer_id], attempts[i.offer_id], now) for i in batch.items
        ]
        self.store.finish_batch(batch, outcomes, status="done", now=now)
        self.store.update_breaker(self.channel, self.config.breaker.on_success)
        if self.adapter.capabilities.operations:  # the operation's own budget was used
            op = self.operation_for(len(batch.items))
            recover = self._recovered_budget(now, self._op_spec(op))
            self.store.update_operation_budget(self.channel, op.name, recover)
        else:
            self.store.update_budget(self.channel, self._recovered_budget(now, self.spec))
        log.info("pushed batch", extra={"channel": self.channel, "batch_id": str(batch.id)})

    @staticmethod
    def _recovered_budget(
        now: datetime, spec: bud.BudgetSpec
    ) -> Callable[[bud.BudgetState | None], tuple[bud.BudgetState, None]]:
        def change(state: bud.BudgetState | None) -> tuple[bud.BudgetState, None]:
            return bud.recovered(spec, state or bud.full_budget(spec, now)), None

        return change

    def _outcome(
        self, item: PushItem, result: ItemResult, attempts: int, now: datetime
    ) -> ItemOutcome:
        if result.status is ItemStatus.OK:
            return ItemOutcome(item=item, state="idle", result="ok")
        if result.status is ItemStatus.PERMANENT:
            return ItemOutcome(
                item=item,
                state="error",
                result="permanent",
                attempts=attempts + 1,
                error_code=result.code,
                error_message=result.message,
            )
        error = TransientChannelError(result.message or result.code or "item failed")
        return self._retry_or_dead(item, error, attempts + 1, now, code=result.code)

    def _retry_or_dead(
        self, item: PushItem, error: ChannelError, attempts: int, now: datetime, code: str | None
    ) -> ItemOutcome:
        permanent = isinstance(error, PermanentChannelError)
        decision = self.config.retry.decide(error, attempts, now, self.rng)
        state = "error" if permanent else ("dead" if decision is None else "retry")
        return ItemOutcome(
            item=item,
            state=state,
            result="permanent" if permanent else "retryable",
            attempts=attempts,
            next_attempt_at=decision.at if decision else None,
            error_code=code or type(error).__name__,
            error_message=str(error),
        )

    def _throttled(
        self, item: PushItem, error: ChannelError, attempts: int, now: datetime
    ) -> ItemOutcome:
        """Not the item's fault (429, refused credentials): retry, attempts not counted."""
        retryable = error if isinstance(error, RateLimited) else TransientChannelError(str(error))
        decision = self.config.retry.decide(retryable, 1, now, self.rng)
        return ItemOutcome(
            item=item,
            state="retry",
            result="retryable",
            attempts=attempts,
            next_attempt_at=decision.at if decision else now,
            error_code=type(error).__name__,
            error_message=str(error),
        )

    def fail_batch(self, batch: PushBatch, error: ChannelError, now: datetime) -> None:
        """A batch-level failure: every item retried later (or dead/error); budget and breaker."""
        attempts = self.store.attempts_of(self.channel, [i.offer_id for i in batch.items])
        # A 429 is the channel's pace and refused credentials are the account's problem, not
        # the items': both keep the items waiting (never dead or error) until the channel works.
        waits = isinstance(error, RateLimited) or is_auth_failure(error)
        outcomes = [
            self._throttled(i, error, attempts[i.offer_id], now)
            if waits
            else self._retry_or_dead(i, error, attempts[i.offer_id] + 1, now, code=None)
            for i in batch.items
        ]
        self.store.finish_batch(batch, outcomes, status="failed", now=now)
        if is_auth_failure(error):
            self.store.record_channel_incident(
                self.channel, kind="auth_failure", message=str(error), now=now
            )
        if isinstance(error, RateLimited):
            self._rate_limited(len(batch.items), error, now)
            return
        self.store.update_breaker(self.channel, lambda s: self.config.breaker.on_failure(s, now))
        log.warning(
            "batch failed",
            extra={"channel": self.channel, "batch_id": str(batch.id), "error": str(error)},
        )

    def _rate_limited(self, size: int, error: RateLimited, now: datetime) -> None:
        """Shrink (a 429) or only block (our own limiter) the budget the batch was sent on."""
        ops = self.adapter.capabilities.operations
        op = self.operation_for(size) if ops else None
        spec = self.spec if op is None else self._op_spec(op)
        own = error.http_status is None  # raised before any request: nothing to shrink
        requests = size if op is not None and op.requests_per_item else 1

        def change(state: bud.BudgetState | None) -> tuple[bud.BudgetState, None]:
            current = state or bud.full_budget(spec, now)
            if own:  # what was spent for the refused call is given back
                wait = error.retry_after or 0.0
                back = bud.blocked(
                    spec, current, now=now, until_s=wait, requests=requests, changes=size
                )
                return back, None
            return bud.rate_limited(spec, current, now=now, retry_after=error.retry_after), None

        if op is None:
            self.store.update_budget(self.channel, change)
        else:
            self.store.update_operation_budget(self.channel, op.name, change)
