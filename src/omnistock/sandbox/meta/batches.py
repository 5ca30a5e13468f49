"""Asynchronous ``items_batch`` handles: accepted now, applied after the configured delay.

A handle is ``started`` for the first half of its delay, ``dispatched`` for the second half and
``finished`` afterwards; its requests are applied to the catalog, in submission order, the
first time anything looks after the delay has passed (status check, item read, admin read).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from omnistock.sandbox.meta.catalog import Catalog

TRANSIENT = "An unexpected error occurred while processing this item. Please retry this request."


@dataclass(slots=True)
class Batch:
    handle: str
    catalog_id: str
    requests: list[Any]
    allow_upsert: bool
    submitted_at: datetime
    due_at: datetime
    finished: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def status(self, now: datetime) -> str:
        if self.finished:
            return "finished"
        halfway = self.submitted_at + (self.due_at - self.submitted_at) / 2
        return "started" if now < halfway else "dispatched"

    def report(self, now: datetime, with_invalid_ids: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"handle": self.handle, "status": self.status(now)}
        if self.finished:
            body.update(
                errors_total_count=len(self.errors),
                errors=self.errors,
                warnings_total_count=len(self.warnings),
                warnings=self.warnings,
            )
            if with_invalid_ids:
                body["ids_of_invalid_requests"] = sorted({str(e["id"]) for e in self.errors})
        return body


def _retailer_id(request: Any) -> str:
    data = request.get("data") if isinstance(request, dict) else None
    return str(data.get("id", "")) if isinstance(data, dict) else ""


class BatchQueue:
    """Submitted batches of every catalog, by handle."""

    def __init__(self) -> None:
        self.batches: dict[str, Batch] = {}

    def submit(
        self, catalog_id: str, requests: list[Any], allow_upsert: bool, now: datetime, delay: float
    ) -> Batch:
        handle = "Ac" + secrets.token_urlsafe(30).replace("-", "x").replace("_", "y")
        batch = Batch(
            handle=handle,
            catalog_id=catalog_id,
            requests=requests,
            allow_upsert=allow_upsert,
            submitted_at=now,
            due_at=now + timedelta(seconds=delay),
        )
        self.batches[handle] = batch
        return batch

    def settle(self, catalogs: dict[str, Catalog], now: datetime, fail: Callable[[], bool]) -> None:
        """Apply every batch whose delay has passed, oldest first."""
        due = [b for b in self.batches.values() if not b.finished and b.due_at <= now]
        for batch in sorted(due, key=lambda b: b.submitted_at):
            self._apply(batch, catalogs[batch.catalog_id], fail)

    def _apply(self, batch: Batch, catalog: Catalog, fail: Callable[[], bool]) -> None:
        for line, request in enumerate(batch.requests, start=1):
            retailer_id = _retailer_id(request)
            if fail():
                batch.errors.append({"line": line, "id": retailer_id, "message": TRANSIENT})
                continue
            outcome = catalog.apply(request, batch.allow_upsert)
            if outcome.error:
                batch.errors.append({"line": line, "id": retailer_id, "message": outcome.error})
            for warning in outcome.warnings:
                batch.warnings.append({"line": line, "id": retailer_id, "message": warning})
        batch.finished = True
