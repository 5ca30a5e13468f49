"""Feeds API 2021-06-30: documents, ``createFeed``, ``getFeed(s)``, ``cancelFeed``.

``JSON_LISTINGS_FEED`` takes exactly one marketplace and 5 submissions per 5 minutes;
legacy XML/flat-file listings feeds are accepted and end ``FATAL`` (retired 2025-07-31).
Processing reports above 16 KiB are stored GZIP-compressed (``compressionAlgorithm``).
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from omnistock.sandbox.amazon.account import MARKETPLACES, SELLER_ID
from omnistock.sandbox.amazon.documents import presigned_url
from omnistock.sandbox.amazon.errors import SpApiError, request_id_headers
from omnistock.sandbox.amazon.feed_processing import FeedContext, FeedOutcome, process_feed
from omnistock.sandbox.amazon.feeds import Feed, FeedStatus
from omnistock.sandbox.amazon.issues import Issue
from omnistock.sandbox.amazon.render import iso
from omnistock.sandbox.amazon.sandbox import AmazonSandbox
from omnistock.sandbox.amazon.spapi import guard, json_body, query_lists, sp_json
from omnistock.sandbox.amazon.usage import UsagePlan

__all__ = ["feeds_router"]

LISTINGS_FEED = "JSON_LISTINGS_FEED"
RETIRED_FEEDS = frozenset(
    {
        "POST_PRODUCT_DATA",
        "POST_INVENTORY_AVAILABILITY_DATA",
        "POST_PRODUCT_PRICING_DATA",
        "POST_PRODUCT_OVERRIDES_DATA",
        "POST_FLAT_FILE_LISTINGS_DATA",
        "POST_FLAT_FILE_INVLOADER_DATA",
    }
)
REPORT_CONTENT_TYPE = "application/json; charset=UTF-8"
GZIP_REPORTS_ABOVE = 16 * 1024
"""Processing reports larger than this (bytes of JSON) are served GZIP-compressed."""


def _invalid(plan: UsagePlan, message: str) -> SpApiError:
    return SpApiError(400, "InvalidInput", message, limit=plan.header)


def _feed_json(feed: Feed, now: datetime) -> dict[str, Any]:
    status = feed.status_at(now)
    body: dict[str, Any] = {
        "feedId": feed.feed_id,
        "feedType": feed.feed_type,
        "marketplaceIds": list(feed.marketplace_ids),
        "createdTime": iso(feed.created),
        "processingStatus": status.value,
    }
    if status not in (FeedStatus.IN_QUEUE, FeedStatus.CANCELLED):
        body["processingStartTime"] = iso(feed.starts)
    if status in (FeedStatus.DONE, FeedStatus.FATAL):
        body["processingEndTime"] = iso(feed.ends)
    if feed.result_document_id:
        body["resultFeedDocumentId"] = feed.result_document_id
    return body


def _check_spec(body: Any, plan: UsagePlan) -> tuple[str, tuple[str, ...], str]:
    if not isinstance(body, dict):
        raise _invalid(plan, "The request body must be a CreateFeedSpecification object.")
    feed_type, markets, document_id = (
        body.get("feedType"),
        body.get("marketplaceIds"),
        body.get("inputFeedDocumentId"),
    )
    if not isinstance(feed_type, str) or not isinstance(document_id, str):
        raise _invalid(plan, "feedType and inputFeedDocumentId are required strings.")
    if not isinstance(markets, list) or not 1 <= len(markets) <= 25:
        raise _invalid(plan, "marketplaceIds must list 1 to 25 marketplace ids.")
    if any(market not in MARKETPLACES for market in markets):
        raise _invalid(plan, f"Invalid marketplaceIds: {markets}.")
    if feed_type == LISTINGS_FEED and len(markets) > 1:
        raise _invalid(
            plan, "Expected a maximum of 1 marketplaceIds for feed type JSON_LISTINGS_FEED."
        )
    if feed_type != LISTINGS_FEED and feed_type not in RETIRED_FEEDS:
        raise _invalid(plan, f"Invalid feedType: {feed_type}.")
    return feed_type, tuple(markets), document_id


def _outcome(sandbox: AmazonSandbox, feed: Feed, at: datetime) -> FeedOutcome:
    content = sandbox.feeds.documents[feed.input_document_id].content
    ctx = FeedContext(
        feed_id=feed.feed_id,
        seller_id=SELLER_ID,
        marketplace_ids=feed.marketplace_ids,
        book=sandbox.listings,
        fails=sandbox.injector.item_fails,
        now=at,
    )
    if feed.feed_type == LISTINGS_FEED:
        return process_feed(content, ctx)
    issue = Issue(
        code="4002010",
        message=f"Feed type {feed.feed_type} is no longer supported; use JSON_LISTINGS_FEED.",
    )
    return process_feed(None, ctx) if content is None else _retired(issue, ctx)


def _retired(issue: Issue, ctx: FeedContext) -> FeedOutcome:
    summary = {
        "errors": 1,
        "warnings": 0,
        "messagesProcessed": 0,
        "messagesAccepted": 0,
        "messagesInvalid": 0,
    }
    header = {"sellerId": ctx.seller_id, "version": "2.0", "feedId": ctx.feed_id}
    report = {"header": header, "issues": [issue.for_report(None, None)], "summary": summary}
    return FeedOutcome(status=FeedStatus.FATAL, report=report)


def _finish(sandbox: AmazonSandbox, feed_id: str, at: datetime) -> None:
    feed = sandbox.feeds.feeds[feed_id]
    if feed.status is not FeedStatus.IN_QUEUE:
        return
    outcome = _outcome(sandbox, feed, at)
    raw = json.dumps(outcome.report, ensure_ascii=False).encode()
    if len(raw) > GZIP_REPORTS_ABOVE:
        report = sandbox.feeds.new_document(REPORT_CONTENT_TYPE, at, gzip.compress(raw), "GZIP")
    else:
        report = sandbox.feeds.new_document(REPORT_CONTENT_TYPE, at, raw)
    sandbox.feeds.finish(feed_id, outcome.status, report.document_id)


def feeds_router(sandbox: AmazonSandbox) -> APIRouter:
    """Routes bound to ``sandbox``."""
    router = APIRouter(prefix="/feeds/2021-06-30")

    @router.post("/documents")
    async def create_feed_document(request: Request) -> JSONResponse:
        plan = guard(sandbox, request, "createFeedDocument")
        body = await json_body(request, plan)
        content_type = body.get("contentType") if isinstance(body, dict) else None
        if not isinstance(content_type, str) or not content_type:
            raise _invalid(plan, "contentType is required.")
        document = sandbox.feeds.new_document(content_type, sandbox.clock.now())
        answer = {
            "feedDocumentId": document.document_id,
            "url": presigned_url(sandbox, request, document.document_id),
        }
        return sp_json(answer, plan, status=201)

    @router.post("/feeds")
    async def create_feed(request: Request) -> JSONResponse:
        plan = guard(sandbox, request, "createFeed")
        feed_type, markets, document_id = _check_spec(await json_body(request, plan), plan)
        if document_id not in sandbox.feeds.documents:
            raise _invalid(plan, "Invalid input: unknown inputFeedDocumentId.")
        if feed_type == LISTINGS_FEED:
            sandbox.throttle.spend_listings_feed(SELLER_ID)
        feed = sandbox.feeds.new_feed(
            feed_type=feed_type,
            marketplace_ids=markets,
            document_id=document_id,
            now=sandbox.clock.now(),
            delay_seconds=sandbox.async_delay(),
        )
        sandbox.schedule(feed.ends, lambda at: _finish(sandbox, feed.feed_id, at))
        return sp_json({"feedId": feed.feed_id}, plan, status=202)

    @router.get("/feeds")
    async def get_feeds(request: Request) -> JSONResponse:
        plan = guard(sandbox, request, "getFeeds")
        now = sandbox.settle()
        try:
            feeds, token = sandbox.feed_pages.page(
                query_lists(request), sandbox.feeds.feeds.values(), now
            )
        except SpApiError as exc:
            exc.limit = plan.header
            raise
        body: dict[str, Any] = {"feeds": [_feed_json(feed, now) for feed in feeds]}
        if token is not None:
            body["nextToken"] = token
        return sp_json(body, plan)

    @router.get("/feeds/{feedId}")
    async def get_feed(request: Request, feedId: str) -> JSONResponse:
        plan = guard(sandbox, request, "getFeed")
        now = sandbox.settle()
        return sp_json(_feed_json(_find_feed(sandbox, feedId, plan), now), plan)

    @router.delete("/feeds/{feedId}")
    async def cancel_feed(request: Request, feedId: str) -> Response:
        plan = guard(sandbox, request, "cancelFeed")
        now = sandbox.settle()
        feed = _find_feed(sandbox, feedId, plan)
        if feed.status_at(now) is not FeedStatus.IN_QUEUE:
            raise _invalid(
                plan,
                f"Feed {feedId} cannot be cancelled: its processingStatus is "
                f"{feed.status_at(now).value}.",
            )
        sandbox.feeds.cancel(feedId)
        headers = {**request_id_headers(), "x-amzn-RateLimit-Limit": plan.header}
        return Response(status_code=200, headers=headers)

    @router.get("/documents/{feedDocumentId}")
    async def get_feed_document(request: Request, feedDocumentId: str) -> JSONResponse:
        plan = guard(sandbox, request, "getFeedDocument")
        if feedDocumentId not in sandbox.feeds.documents:
            raise SpApiError(
                404, "NotFound", f"Feed document {feedDocumentId} not found.", limit=plan.header
            )
        answer = {
            "feedDocumentId": feedDocumentId,
            "url": presigned_url(sandbox, request, feedDocumentId),
        }
        compression = sandbox.feeds.documents[feedDocumentId].compression
        if compression is not None:
            answer["compressionAlgorithm"] = compression
        return sp_json(answer, plan)

    return router


def _find_feed(sandbox: AmazonSandbox, feed_id: str, plan: UsagePlan) -> Feed:
    if not feed_id.isdigit():
        raise _invalid(plan, "Invalid input")
    feed = sandbox.feeds.feeds.get(feed_id)
    if feed is None:
        raise SpApiError(404, "NotFound", f"Feed {feed_id} not found.", limit=plan.header)
    return feed
