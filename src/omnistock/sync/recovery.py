"""Recovery: batches stored as sent but without recorded results are looked up, not resent.

After a crash (or for channels answering asynchronously) a batch may be ``sending`` — persisted,
maybe pushed, result unknown — or ``pending`` — accepted, results to come. For each, oldest
first, the adapter is asked by batch id (``poll``); an adapter with a ``resume(batch,
command_id)`` method is first given the channel's handle stored with a pending batch (a new
adapter instance after a restart knows nothing else: Meta's ``items_batch`` handle):

- results → recorded as if the push had just answered;
- still pending → left for the next pass;
- ``BatchNotFound`` (the channel never got it) → pushed again **with the same id**;
- a retryable error → left for the next pass (each counts as a batch attempt); a permanent
  one, the retry policy's last attempt, or a batch pending longer than ``pending_timeout_s``
  (Allegro tasks stuck in ``NEW``) fails the batch: its listings are planned again, and sent
  under a new id.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from omnistock.channels.base import (
    BatchNotFound,
    ChannelError,
    ChannelRetryable,
    TransientChannelError,
    validate_report,
)
from omnistock.store.sync_repository import StoredBatch

if TYPE_CHECKING:
    from omnistock.sync.dispatcher import Dispatcher

__all__ = ["recover"]


def recover(dispatcher: Dispatcher, now: datetime) -> int:
    """Settle the channel's open batches; return how many were settled."""
    settled = 0
    for stored in dispatcher.store.open_batches(dispatcher.channel):
        settled += _settle(dispatcher, stored, now)
    return settled


def _settle(dispatcher: Dispatcher, stored: StoredBatch, now: datetime) -> int:
    batch = stored.batch
    resume = getattr(dispatcher.adapter, "resume", None)
    if stored.command_id and callable(resume):  # e.g. Meta's handle, after a restart
        resume(batch, stored.command_id)
    try:
        report = validate_report(batch, dispatcher.adapter.poll(batch.id))
    except BatchNotFound:
        return 1 if dispatcher.send(batch, now, persisted=True) else 0
    except ChannelRetryable as exc:
        return _poll_failed(dispatcher, stored, exc, now)
    except ChannelError as exc:
        dispatcher.fail_batch(batch, exc, now)
        return 1
    if report.pending:
        return _still_pending(dispatcher, stored, report.command_id, now)
    dispatcher.accept(batch, report, now)
    return 1


def _poll_failed(
    dispatcher: Dispatcher, stored: StoredBatch, error: ChannelRetryable, now: datetime
) -> int:
    from omnistock.sync.dispatcher import outcome_of  # the dispatcher imports this module

    batch = stored.batch
    dispatcher.store.record_attempt(
        batch.id,
        dispatcher.channel,
        started_at=now,
        duration_ms=0,
        outcome="poll_" + outcome_of(error),
        http_status=error.http_status,
        error=str(error),
    )
    if stored.attempts + 1 < dispatcher.config.retry.max_attempts:
        return 0
    dispatcher.fail_batch(batch, error, now)
    return 1


def _still_pending(
    dispatcher: Dispatcher, stored: StoredBatch, command_id: str | None, now: datetime
) -> int:
    age_s = (now - stored.created_at).total_seconds()
    if age_s > dispatcher.config.pending_timeout_s:
        stuck = TransientChannelError(f"still pending after {age_s:.0f} s")
        dispatcher.fail_batch(stored.batch, stuck, now)
        return 1
    if stored.status == "sending":
        dispatcher.store.mark_pending(stored.batch.id, command_id)
    return 0
