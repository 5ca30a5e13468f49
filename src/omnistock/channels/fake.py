"""``InMemoryChannel``: one channel account in memory, honouring ``Capabilities``, scripted faults.

It records every call (``received``, ``call_log``) so tests can count API calls, check batch sizes,
concurrency and budgets. Faults are queued with ``script(Fault(...))`` and consumed one per push.
With ``path`` the whole state lives in a JSON file (written atomically after each change) so a
worker subprocess killed with ``kill -9`` can be restarted against the same "channel".
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

from omnistock.channels.base import (
    AuthenticationFailed,
    BatchNotFound,
    Capabilities,
    ChannelLimits,
    ItemResult,
    ItemStatus,
    OrderPage,
    PermanentChannelError,
    PushBatch,
    PushReport,
    RateLimited,
    TransientChannelError,
)

__all__ = ["CallRecord", "Fault", "FaultKind", "InMemoryChannel", "default_capabilities"]


class FaultKind(StrEnum):
    RATE_LIMIT = "rate_limit"  # 429, optional retry_after; nothing applied
    SERVER_ERROR = "server_error"  # 5xx; nothing applied
    LOST_RESPONSE = "lost_response"  # applied, then the answer is lost (timeout)
    FOREIGN_RESULT = "foreign_result"  # answers with a result for an offer not in the batch
    HANG_AFTER_APPLY = "hang_after_apply"  # applied and saved, then blocks forever (kill -9 tests)
    AUTH_REFUSED = "auth_refused"  # 401: the account's credentials no longer work


@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    kind: FaultKind
    retry_after: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRecord:
    """One push call as the channel saw it."""

    batch_id: UUID
    size: int
    at: datetime
    duplicate: bool


def default_capabilities(**overrides: Any) -> Capabilities:
    """Allegro-like capabilities, overridable per field."""
    values: dict[str, Any] = {
        "max_batch": 1000,
        "zero_means_end": False,
        "limits": ChannelLimits(requests_per_window=9000, changes_per_window=9000, window_s=60.0),
        "async_results": False,
    }
    values.update(overrides)
    return Capabilities(**values)


@dataclass(slots=True)
class _State:
    quantities: dict[str, int] = field(default_factory=dict)
    ended: set[str] = field(default_factory=set)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    polls_left: dict[str, int] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)


class InMemoryChannel:
    """A fake ``ChannelAdapter`` for one channel account."""

    def __init__(
        self,
        *,
        name: str = "fake",
        capabilities: Capabilities | None = None,
        offers: Mapping[str, int] | None = None,
        missing_offers: Sequence[str] = (),
        polls_until_done: int = 1,
        latency_s: float = 0.0,
        clock: Callable[[], datetime] | None = None,
        path: Path | None = None,
    ) -> None:
        self.name = name
        self._caps = capabilities or default_capabilities()
        self.missing_offers = set(missing_offers)
        self.polls_until_done = polls_until_done
        self.latency_s = latency_s
        self._clock = clock or (lambda: datetime.now(UTC))
        self._path = path
        self._lock = threading.Lock()
        self._active = 0
        self.max_concurrency = 0
        self.call_log: list[CallRecord] = []
        self.oversized: list[UUID] = []
        self.reads = 0
        self.polls = 0
        existing = path is not None and path.exists()
        self._state = self._load() if existing else _State()
        if offers:
            self._state.quantities.update(offers)
        if offers or not existing:
            self._save()

    # -- ChannelAdapter ------------------------------------------------------------------
    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def push(self, batch: PushBatch) -> PushReport:
        self._enter()
        try:
            return self._push(batch)
        finally:
            self._leave()

    def poll(self, batch_id: UUID) -> PushReport:
        with self._lock:
            self.polls += 1
            key = str(batch_id)
            if key not in self._state.commands:
                raise BatchNotFound(f"unknown batch {batch_id}", channel=self.name)
            left = self._state.polls_left.get(key, 0)
            if left > 0:
                self._state.polls_left[key] = left - 1
                self._save()
                return PushReport(batch_id=batch_id, pending=True, command_id=key)
            return self._report(batch_id)

    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]:
        with self._lock:
            self.reads += 1
            known = self._state.quantities.keys() | self._state.ended
            return {o: self.quantity(o) for o in offer_ids if o in known}

    def poll_orders(self, cursor: str | None) -> OrderPage:
        return OrderPage(orders=(), cursor=cursor)

    # -- test helpers ----------------------------------------------------------------------
    def script(self, *faults: Fault) -> None:
        """Queue faults; each push consumes one."""
        with self._lock:
            self._state.faults.extend(
                {"kind": str(f.kind), "retry_after": f.retry_after} for f in faults
            )
            self._save()

    def quantity(self, offer_id: str) -> int:
        """What a buyer sees: 0 for an ended offer."""
        if offer_id in self._state.ended:
            return 0
        return self._state.quantities.get(offer_id, 0)

    def set_quantity(self, offer_id: str, quantity: int) -> None:
        """Change the channel behind omnistock's back (drift)."""
        with self._lock:
            self._state.quantities[offer_id] = quantity
            self._state.ended.discard(offer_id)
            self._save()

    @property
    def ended(self) -> frozenset[str]:
        return frozenset(self._state.ended)

    @property
    def received(self) -> list[UUID]:
        """Batch ids of every push received, duplicates included, in order."""
        return [UUID(k) for k in self._state.received]

    @property
    def commands(self) -> int:
        """Distinct batch ids registered."""
        return len(self._state.commands)

    # -- internals -------------------------------------------------------------------------
    def _push(self, batch: PushBatch) -> PushReport:
        with self._lock:
            key = str(batch.id)
            duplicate = key in self._state.commands
            self._state.received.append(key)
            record = CallRecord(
                batch_id=batch.id, size=len(batch.items), at=self._clock(), duplicate=duplicate
            )
            self.call_log.append(record)
            fault = self._state.faults.pop(0) if self._state.faults else None
            self._save()
        self._raise_early(fault)
        if len(batch.items) > self._caps.max_batch:
            with self._lock:
                self.oversized.append(batch.id)
            raise PermanentChannelError(
                f"more than {self._caps.max_batch} items", channel=self.name, http_status=413
            )
        if self.latency_s:
            time.sleep(self.latency_s)  # simulated network latency
        with self._lock:
            if not duplicate:
                self._apply(batch)
            report = self._answer(batch)
        return self._raise_late(fault, batch, report)

    def _raise_early(self, fault: dict[str, Any] | None) -> None:
        if fault is None:
            return
        if fault["kind"] == FaultKind.RATE_LIMIT:
            raise RateLimited(channel=self.name, retry_after=fault["retry_after"])
        if fault["kind"] == FaultKind.SERVER_ERROR:
            raise TransientChannelError("HTTP 503", channel=self.name, http_status=503)
        if fault["kind"] == FaultKind.AUTH_REFUSED:
            raise AuthenticationFailed("HTTP 401 invalid_grant", channel=self.name, http_status=401)

    def _raise_late(
        self, fault: dict[str, Any] | None, batch: PushBatch, report: PushReport
    ) -> PushReport:
        kind = fault["kind"] if fault else None
        if kind == FaultKind.LOST_RESPONSE:
            raise TransientChannelError("read timeout", channel=self.name)
        if kind == FaultKind.HANG_AFTER_APPLY:
            threading.Event().wait()  # blocks until the process is killed
        if kind == FaultKind.FOREIGN_RESULT:
            extra = ItemResult(offer_id="not-in-batch", status=ItemStatus.OK)
            return PushReport(batch_id=batch.id, results=(*report.results, extra))
        return report

    def _apply(self, batch: PushBatch) -> None:
        results: list[dict[str, Any]] = []
        for item in batch.items:
            if item.offer_id in self.missing_offers:
                results.append(
                    {"offer_id": item.offer_id, "status": "permanent", "code": "OFFER_NOT_FOUND"}
                )
                continue
            self._set(item.offer_id, item.quantity)
            results.append({"offer_id": item.offer_id, "status": "ok", "code": None})
        key = str(batch.id)
        self._state.commands[key] = results
        if self._caps.async_results:
            self._state.polls_left[key] = self.polls_until_done
        self._save()

    def _set(self, offer_id: str, quantity: int) -> None:
        if quantity == 0 and self._caps.zero_means_end:
            self._state.ended.add(offer_id)
            return
        self._state.ended.discard(offer_id)
        self._state.quantities[offer_id] = quantity

    def _answer(self, batch: PushBatch) -> PushReport:
        if self._caps.async_results:
            return PushReport(batch_id=batch.id, pending=True, command_id=str(batch.id))
        return self._report(batch.id)

    def _report(self, batch_id: UUID) -> PushReport:
        rows = self._state.commands[str(batch_id)]
        results = tuple(
            ItemResult(offer_id=r["offer_id"], status=ItemStatus(r["status"]), code=r["code"])
            for r in rows
        )
        return PushReport(batch_id=batch_id, results=results, http_status=200)

    def _enter(self) -> None:
        with self._lock:
            self._active += 1
            self.max_concurrency = max(self.max_concurrency, self._active)

    def _leave(self) -> None:
        with self._lock:
            self._active -= 1

    def _save(self) -> None:
        if self._path is None:
            return
        data = asdict(self._state)
        data["ended"] = sorted(self._state.ended)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self._path)

    def _load(self) -> _State:
        assert self._path is not None
        data = json.loads(self._path.read_text())
        data["ended"] = set(data["ended"])
        return _State(**data)
