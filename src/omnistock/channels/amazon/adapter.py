"""``AmazonAdapter``: merchant-fulfilled quantities through SP-API Listings and Feeds.

Offer ids are seller SKUs. A batch of at most ``patch_max_items`` SKUs is sent as one
``patchListingsItem`` per SKU (``INVALID`` → permanent with the first issue's code). Amazon
applies an ``ACCEPTED`` patch later, so the report is pending: ``poll`` reads the SKUs with
``getListingsItem`` and confirms each once it shows the pushed quantity, or once
``patch_settle_s`` has passed since the patch (an order may have moved the quantity).

A bigger batch becomes a ``JSON_LISTINGS_FEED``: ``createFeedDocument`` → upload to the
pre-signed URL → ``createFeed`` (answer pending, ``command_id`` = the feed id) → ``poll``
reads ``getFeed`` until ``DONE``/``FATAL``/``CANCELLED`` and maps the processing report
(GZIP or not) to per-item results. Feeds are limited (5 per 5 minutes per seller), which is
why small batches go through PATCH; the adapter keeps that window (``FeedQuota``) and, when it
is used up, raises ``RateLimited`` with the seconds until a slot frees **before** creating the
feed document (a batch of at most ``patch_max_items`` still goes through PATCH meanwhile).

Limits (SP-API usage plans) are kept on three levels. The engine sees two push operations in
``capabilities.operations``, each with its own budget: ``patch`` (≤ ``patch_max_items`` SKUs,
one request per SKU, ``patch_per_minute``) and ``feed`` (≤ ``max_batch`` SKUs, 5 per 300 s,
budgeted one at a time — one per 75 s sustained — so a steady stream never waits for a whole
used-up window). Inside the adapter, ``patchListingsItem`` is paced at 5/s (burst 5), and the
result polls never block: ``getFeed`` (2/s), ``getFeedDocument`` (1 per 45 s, burst 10) and the
confirming ``getListingsItem`` reads (shared 4/s pacer) take a token if one is there now and
otherwise answer "still pending" — a later pass polls again. Accepted patches are first read
``patch_first_read_s`` after the patch, then at doubling intervals (at most
``patch_read_max_s``), so each confirmation costs about one or two reads.

Running feeds and patches live in this object; after a restart recovery hands a pending feed's
stored id back with ``resume(batch, feed_id)``, so the feed is polled, not submitted again (the
feed window is 5 per 5 minutes). ``poll`` of any other unknown batch raises ``BatchNotFound`` and
the dispatcher pushes it again (the same absolute quantities; patches are cheap).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from uuid import UUID

from omnistock.channels.amazon.api import SpApi
from omnistock.channels.amazon.feed import availability_patch, feed_document, report_results
from omnistock.channels.amazon.feed_quota import FEED_WINDOW_S, FEEDS_PER_WINDOW, FeedQuota
from omnistock.channels.amazon.orders import poll_orders
from omnistock.channels.base import (
    BatchNotFound,
    Capabilities,
    ChannelLimits,
    ItemResult,
    ItemStatus,
    MalformedResponse,
    OrderPage,
    PermanentChannelError,
    PushBatch,
    PushItem,
    PushOperation,
    PushReport,
    RateLimited,
)
from omnistock.channels.http import HttpSettings
from omnistock.channels.pacing import Pacer

__all__ = ["AmazonAdapter", "AmazonConfig"]

FEED_CONTENT_TYPE = "application/json; charset=UTF-8"
LISTINGS = "/listings/2021-08-01/items"
FEEDS = "/feeds/2021-06-30"


@dataclass(frozen=True, slots=True, kw_only=True)
class AmazonConfig:
    """One seller in one marketplace. Europe: ``sellingpartnerapi-eu.amazon.com``."""

    client_id: str
    client_secret: str
    refresh_token: str
    seller_id: str
    marketplace_id: str = "A1C3SOZRARQ6R3"
    name: str = "amazon"
    api_url: str = "https://sellingpartnerapi-eu.amazon.com"
    token_url: str = "https://api.amazon.com/auth/o2/token"
    product_type: str = "PRODUCT"
    fulfillment_channel_code: str = "DEFAULT"
    patch_max_items: int = 5
    max_batch: int = 10_000
    patch_settle_s: float = 300.0
    # each accepted patch needs getListingsItem reads to confirm it (4/s shared with reconcile)
    patch_per_minute: int = 60
    patch_first_read_s: float = 5.0
    patch_read_max_s: float = 60.0
    http: HttpSettings = field(default_factory=HttpSettings)


@dataclass(frozen=True, slots=True)
class _Feed:
    batch: PushBatch
    feed_id: str


@dataclass(slots=True)
class _Patches:
    batch: PushBatch
    results: dict[str, ItemResult]
    accepted: dict[str, int]
    since: datetime
    next_read: datetime
    read_every_s: float


class AmazonAdapter:
    """A ``ChannelAdapter`` for one Amazon seller account and marketplace."""

    def __init__(
        self,
        config: AmazonConfig,
        *,
        clock: Callable[[], datetime] | None = None,
        read_pacer: Pacer | None = None,
        feed_quota: FeedQuota | None = None,
        patch_pacer: Pacer | None = None,
        feed_poll_pacer: Pacer | None = None,
        report_pacer: Pacer | None = None,
    ) -> None:
        self.config = config
        self._clock = clock or (lambda: datetime.now(UTC))
        self.api = SpApi(
            channel=config.name,
            api_url=config.api_url,
            token_url=config.token_url,
            client_id=config.client_id,
            client_secret=config.client_secret,
            refresh_token=config.refresh_token,
            settings=config.http,
            clock=self._clock,
        )
        self._feeds: dict[UUID, _Feed] = {}
        self._patches: dict[UUID, _Patches] = {}
        # getListingsItem allows 5 requests/s, burst 10 (Listings Items API 2021-08-01 model);
        # pace a little below it so clock skew between us and Amazon never costs a 429.
        # A sandbox running in compressed time passes a pacer scaled to its clock.
        self._read_pacer = read_pacer or Pacer(rate=4, burst=8)
        self._feed_quota = feed_quota or FeedQuota()
        # patchListingsItem 5/s burst 5; getFeed 2/s burst 15; getFeedDocument 0.0222/s burst 10
        self._patch_pacer = patch_pacer or Pacer(rate=5, burst=5)
        self._feed_poll_pacer = feed_poll_pacer or Pacer(rate=2, burst=10)
        self._report_pacer = report_pacer or Pacer(rate=0.02, burst=8)
        self._lock = threading.Lock()
        self._caps = Capabilities(
            max_batch=config.max_batch,
            zero_means_end=False,
            # patchListingsItem 5 requests/s; a feed carries up to 10 000 changes (5 per 5 min)
            limits=ChannelLimits(requests_per_window=300, changes_per_window=20_000, window_s=60.0),
            async_results=True,
            operations=_operations(config),
        )

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def close(self) -> None:
        self.api.close()

    def _market(self) -> dict[str, str]:
        return {"marketplaceIds": self.config.marketplace_id}

    # -- push -------------------------------------------------------------------------------
    def push(self, batch: PushBatch) -> PushReport:
        if len(batch.items) <= self.config.patch_max_items:
            return self._push_patches(batch)
        feed_id = self._submit_feed(batch.items)
        with self._lock:
            self._feeds[batch.id] = _Feed(batch, feed_id)
        return PushReport(batch_id=batch.id, pending=True, command_id=feed_id, http_status=202)

    def _push_patches(self, batch: PushBatch) -> PushReport:
        results = {item.offer_id: self._patch(item) for item in batch.items}
        accepted = {
            i.offer_id: i.quantity
            for i in batch.items
            if results[i.offer_id].status is ItemStatus.OK
        }
        now = self._clock()
        first = now + timedelta(seconds=self.config.patch_first_read_s)
        running = _Patches(batch, results, accepted, now, first, self.config.patch_first_read_s)
        if not accepted:
            return self._patches_done(running)
        with self._lock:
            self._patches[batch.id] = running
        return PushReport(
            batch_id=batch.id, pending=True, command_id=str(batch.id), http_status=200
        )

    def _poll_patches(self, running: _Patches) -> PushReport:
        now = self._clock()
        settled = (now - running.since).total_seconds() >= self.config.patch_settle_s
        if settled:
            running.accepted.clear()
        elif now >= running.next_read:
            self._confirm_patches(running)
            running.read_every_s = min(running.read_every_s * 2, self.config.patch_read_max_s)
            running.next_read = now + timedelta(seconds=running.read_every_s)
        if running.accepted:
            batch_id = running.batch.id
            return PushReport(batch_id=batch_id, pending=True, command_id=str(batch_id))
        with self._lock:
            self._patches.pop(running.batch.id, None)
        return self._patches_done(running)

    def _confirm_patches(self, running: _Patches) -> None:
        """Read the accepted SKUs while read tokens last; drop those showing the pushed value.

        A decrease is also confirmed by any lower value: Amazon lowers a merchant-fulfilled
        quantity by itself only for orders, so a sale right after the patch applied must not
        keep the batch pending for ``patch_settle_s`` — that would hold back the next decrease.
        """
        previous = {item.offer_id: item.previous for item in running.batch.items}
        for sku, quantity in list(running.accepted.items()):
            if not self._read_pacer.try_take():
                return  # the rest in a later pass
            shown = self._read_one(sku)
            before = previous.get(sku)
            lowered = before is not None and quantity < before
            if shown == quantity or (lowered and shown is not None and shown < quantity):
                del running.accepted[sku]

    @staticmethod
    def _patches_done(running: _Patches) -> PushReport:
        results = tuple(running.results[i.offer_id] for i in running.batch.items)
        return PushReport(batch_id=running.batch.id, results=results, http_status=200)

    def _patch(self, item: PushItem) -> ItemResult:
        url = f"{LISTINGS}/{quote(self.config.seller_id)}/{quote(item.offer_id, safe='')}"
        body = {
            "productType": self.config.product_type,
            "patches": availability_patch(item.quantity, self.config.fulfillment_channel_code),
        }
        self._patch_pacer.wait()
        try:
            answer = self.api.json(
                "PATCH", url, offer_id=item.offer_id, params=self._market(), json=body
            )
        except PermanentChannelError as exc:
            if exc.http_status in (401, 403):
                raise
            return ItemResult(
                offer_id=item.offer_id,
                status=ItemStatus.PERMANENT,
                code=getattr(exc, "api_code", None),
                message=str(exc),
            )
        return _submission(item.offer_id, answer)

    def _submit_feed(self, items: Sequence[PushItem]) -> str:
        cfg = self.config
        self._check_feed_slot()
        document = self.api.json(
            "POST", f"{FEEDS}/documents", json={"contentType": FEED_CONTENT_TYPE}
        )
        content = feed_document(
            cfg.seller_id, items, cfg.product_type, cfg.fulfillment_channel_code
        )
        self.api.http.request(
            "PUT",
            str(document["url"]),
            content=json.dumps(content).encode(),
            headers={"Content-Type": FEED_CONTENT_TYPE},
        )
        spec = {
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [cfg.marketplace_id],
            "inputFeedDocumentId": document["feedDocumentId"],
        }
        try:
            feed_id = str(self.api.json("POST", f"{FEEDS}/feeds", json=spec)["feedId"])
        except RateLimited:
            self._feed_quota.exhausted(self._clock())
            raise
        self._feed_quota.record(self._clock())
        return feed_id

    def _check_feed_slot(self) -> None:
        """Raise ``RateLimited`` (nothing sent) while the feed window is used up."""
        wait = self._feed_quota.wait_s(self._clock())
        if wait > 0:
            raise RateLimited(
                f"{self.config.name}: JSON_LISTINGS_FEED quota used, next slot in {wait:.0f} s",
                channel=self.config.name,
                retry_after=wait,
                http_status=None,
            )

    # -- poll -------------------------------------------------------------------------------
    def resume(self, batch: PushBatch, command_id: str) -> None:
        """Remember a feed submitted before a restart (``command_id`` = its feed id); a patch
        batch (``command_id`` = the batch id) has nothing to resume and is pushed again."""
        if command_id == str(batch.id):
            return
        with self._lock:
            if batch.id not in self._patches:
                self._feeds.setdefault(batch.id, _Feed(batch, command_id))

    def poll(self, batch_id: UUID) -> PushReport:
        with self._lock:
            running = self._feeds.get(batch_id)
            patches = self._patches.get(batch_id)
        if patches is not None:
            return self._poll_patches(patches)
        if running is None:
            raise BatchNotFound(
                f"{self.config.name}: unknown batch {batch_id}", channel=self.config.name
            )
        pending = PushReport(batch_id=batch_id, pending=True, command_id=running.feed_id)
        if not self._feed_poll_pacer.try_take():
            return pending  # getFeed's own rate: polled again in a later pass
        feed = self.api.json("GET", f"{FEEDS}/feeds/{running.feed_id}")
        status = feed.get("processingStatus")
        if status in ("IN_QUEUE", "IN_PROGRESS"):
            return pending
        if feed.get("resultFeedDocumentId") and not self._report_pacer.try_take():
            return pending  # getFeedDocument allows one per 45 s (burst 10)
        if status == "CANCELLED" or not feed.get("resultFeedDocumentId"):
            results = tuple(
                ItemResult(offer_id=i.offer_id, status=ItemStatus.RETRYABLE, code=str(status))
                for i in running.batch.items
            )
        else:
            report = self._report(str(feed["resultFeedDocumentId"]))
            results = report_results(running.batch.items, report, fatal=status == "FATAL")
        with self._lock:
            self._feeds.pop(batch_id, None)
        return PushReport(
            batch_id=batch_id, results=results, command_id=running.feed_id, http_status=200
        )

    def _report(self, document_id: str) -> Mapping[str, Any]:
        document = self.api.json("GET", f"{FEEDS}/documents/{document_id}")
        raw = self.api.http.request("GET", str(document["url"])).content
        if document.get("compressionAlgorithm") == "GZIP":
            raw = gzip.decompress(raw)
        try:
            report = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedResponse(
                f"{self.config.name}: unreadable processing report", channel=self.config.name
            ) from exc
        if not isinstance(report, dict):
            raise MalformedResponse(
                f"{self.config.name}: report is not an object", channel=self.config.name
            )
        return report

    # -- reads ------------------------------------------------------------------------------
    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]:
        found: dict[str, int] = {}
        for sku in dict.fromkeys(offer_ids):
            self._read_pacer.wait()
            quantity = self._read_one(sku)
            if quantity is not None:
                found[sku] = quantity
        return found

    def _read_one(self, sku: str) -> int | None:
        """One ``getListingsItem`` (the caller took a read token); None if Amazon has no such."""
        url = f"{LISTINGS}/{quote(self.config.seller_id)}/{quote(sku, safe='')}"
        params = {**self._market(), "includedData": "fulfillmentAvailability"}
        try:
            body = self.api.json("GET", url, offer_id=sku, params=params)
        except PermanentChannelError as exc:
            if exc.http_status == 404:
                return None
            raise
        for entry in body.get("fulfillmentAvailability", []):
            if entry.get("fulfillmentChannelCode") == self.config.fulfillment_channel_code:
                return int(entry.get("quantity", 0))
        return None

    def poll_orders(self, cursor: str | None) -> OrderPage:
        return poll_orders(self.api, cursor, self.config.marketplace_id, self._clock())


def _operations(config: AmazonConfig) -> tuple[PushOperation, ...]:
    """``patch`` (small change-sets) and ``feed`` (the rest), each with its own budget."""
    per_minute = config.patch_per_minute
    patch = PushOperation(
        name="patch",
        max_items=config.patch_max_items,
        limits=ChannelLimits(
            requests_per_window=per_minute, changes_per_window=per_minute, window_s=60.0
        ),
        burst=min(0.5, config.patch_max_items / per_minute),
        requests_per_item=True,
    )
    feed = PushOperation(
        name="feed",
        max_items=config.max_batch,
        limits=ChannelLimits(
            requests_per_window=FEEDS_PER_WINDOW,
            changes_per_window=FEEDS_PER_WINDOW * config.max_batch,
            window_s=FEED_WINDOW_S,
        ),
        burst=1 / FEEDS_PER_WINDOW,  # one feed at a time, then evenly spaced
    )
    return (patch, feed)


def _submission(offer_id: str, answer: Any) -> ItemResult:
    if not isinstance(answer, dict) or "status" not in answer:
        raise MalformedResponse(
            f"amazon: patch answer for {offer_id} without status", channel="amazon"
        )
    if answer["status"] in ("ACCEPTED", "VALID"):
        return ItemResult(offer_id=offer_id, status=ItemStatus.OK)
    issues = [i for i in answer.get("issues", []) if isinstance(i, dict)]
    first = next((i for i in issues if i.get("severity") == "ERROR"), issues[0] if issues else {})
    return ItemResult(
        offer_id=offer_id,
        status=ItemStatus.PERMANENT,
        code=str(first.get("code") or answer["status"]),
        message=str(first.get("message") or "") or None,
    )
