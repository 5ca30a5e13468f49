"""Feed documents and feeds of the Feeds API 2021-06-30, with their time-driven lifecycle.

A feed is ``IN_QUEUE`` for the first half of ``async_delay_seconds`` (sandbox time), then
``IN_PROGRESS``, then processed: ``DONE`` or ``FATAL`` (see ``feed_processing``). Only an
``IN_QUEUE`` feed can be cancelled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["UPLOAD_TTL", "Feed", "FeedBook", "FeedDocument", "FeedStatus"]

UPLOAD_TTL = timedelta(minutes=5)


class FeedStatus(StrEnum):
    """``Feed.processingStatus``."""

    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FATAL = "FATAL"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedDocument:
    """An uploaded feed or a processing report; ``content`` is ``None`` until uploaded.

    ``compression`` is ``"GZIP"`` when ``content`` is gzip-compressed (large reports).
    """

    document_id: str
    content_type: str
    created: datetime
    content: bytes | None = None
    compression: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """One ``createFeed`` submission."""

    feed_id: str
    feed_type: str
    marketplace_ids: tuple[str, ...]
    input_document_id: str
    created: datetime
    starts: datetime
    ends: datetime
    status: FeedStatus = FeedStatus.IN_QUEUE
    result_document_id: str | None = None

    def status_at(self, now: datetime) -> FeedStatus:
        """Status seen at ``now`` (terminal statuses are stored when processing ends)."""
        if self.status is not FeedStatus.IN_QUEUE:
            return self.status
        return FeedStatus.IN_QUEUE if now < self.starts else FeedStatus.IN_PROGRESS


class FeedBook:
    """Documents and feeds of one seller."""

    def __init__(self) -> None:
        self.documents: dict[str, FeedDocument] = {}
        self.feeds: dict[str, Feed] = {}
        self._next_feed = 50_021_018_800

    def new_document(
        self,
        content_type: str,
        now: datetime,
        content: bytes | None = None,
        compression: str | None = None,
    ) -> FeedDocument:
        """Register a document (an upload slot, or a report with its ``content``)."""
        document_id = f"amzn1.tortuga.4.eu.{uuid.uuid4()}.T{uuid.uuid4().hex[:12].upper()}"
        document = FeedDocument(
            document_id=document_id,
            content_type=content_type,
            created=now,
            content=content,
            compression=compression,
        )
        self.documents[document_id] = document
        return document

    def upload(self, document_id: str, content: bytes) -> None:
        """Store the uploaded bytes (a later upload replaces them, as S3 does)."""
        self.documents[document_id] = replace(self.documents[document_id], content=content)

    def new_feed(
        self,
        *,
        feed_type: str,
        marketplace_ids: tuple[str, ...],
        document_id: str,
        now: datetime,
        delay_seconds: float,
    ) -> Feed:
        """Queue a feed; it starts after half the delay and ends after the whole delay."""
        self._next_feed += 1
        feed = Feed(
            feed_id=str(self._next_feed),
            feed_type=feed_type,
            marketplace_ids=marketplace_ids,
            input_document_id=document_id,
            created=now,
            starts=now + timedelta(seconds=delay_seconds / 2),
            ends=now + timedelta(seconds=delay_seconds),
        )
        self.feeds[feed.feed_id] = feed
        return feed

    def finish(self, feed_id: str, status: FeedStatus, result_document_id: str | None) -> None:
        """Store the terminal status (ignored for a cancelled feed)."""
        feed = self.feeds[feed_id]
        if feed.status is FeedStatus.IN_QUEUE:
            self.feeds[feed_id] = replace(
                feed, status=status, result_document_id=result_document_id
            )

    def cancel(self, feed_id: str) -> None:
        """Mark a queued feed ``CANCELLED``."""
        self.feeds[feed_id] = replace(self.feeds[feed_id], status=FeedStatus.CANCELLED)
