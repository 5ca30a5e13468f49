"""Recovery: batches stored as sent but without recorded results are looked up, not resent.

After a crash (or for channels answering asynchronously) a batch may be ``sending`` — persisted,
maybe pushed, result unknown — or ``pending`` — accepted, results to come. For each, oldest
first, the adapter is asked by batch id (``poll``):

- results → recorded as if the push had just answered;
- still pending → left for the next pass;
- ``BatchNotFound`` (the channel never got it) → pushed again **with the same id**;
- a retryable error → left for the next pass; a permanent one fails the batch.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from omnistock.channels.base import (
    BatchNotFound,
    ChannelError,
    ChannelRetryable,
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
    try:
        report = validate_report(batch, dispatcher.adapter.poll(batch.id))
    except BatchNotFound:
        return 1 if dispatcher.send(batch, now, persisted=True) else 0
    except ChannelRetryable:
        return 0
    except ChannelError as exc:
        dispatcher.fail_batch(batch, exc, now)
        return 1
    if report.pending:
        if stored.status == "sending":
            dispatcher.store.mark_pending(batch.id, report.command_id)
        return 0
    dispatcher.accept(batch, report, now)
    return 1
