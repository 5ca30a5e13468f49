"""Processing of a ``JSON_LISTINGS_FEED`` document into a processing report (v2).

The document is FATAL when it is not JSON or its envelope breaks the embedded schema (header,
1..25,000 messages) or names another seller. Otherwise the feed is DONE and every message is
accepted (and applied to the listings at once) or invalid with an issue in the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jsonschema import ValidationError

from omnistock.sandbox.amazon.feed_schema import envelope_validator, message_validator
from omnistock.sandbox.amazon.feeds import FeedStatus
from omnistock.sandbox.amazon.issues import Issue, internal_failure, unknown_sku
from omnistock.sandbox.amazon.listings import ListingBook
from omnistock.sandbox.amazon.patching import AVAILABILITY, check_patches
from omnistock.sandbox.amazon.render import render_item

__all__ = ["FeedContext", "FeedOutcome", "process_feed"]

SCHEMA_MISMATCH = (
    "The provided message did not meet the schema validation requirements for a feed message."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedOutcome:
    """Terminal status and the processing report body."""

    status: FeedStatus
    report: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedContext:
    """What processing needs besides the document."""

    feed_id: str
    seller_id: str
    marketplace_ids: tuple[str, ...]
    book: ListingBook
    fails: Callable[[], bool]
    now: datetime


def _schema_issue(error: ValidationError, code: str) -> Issue:
    where = "/" + "/".join(str(part) for part in error.absolute_path)
    return Issue(code=code, message=f"{error.message} (at {where})")


def _envelope_issues(content: bytes | None, seller_id: str) -> tuple[Any, list[Issue]]:
    if content is None:
        return None, [Issue(code="4002001", message="The feed document has not been uploaded.")]
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Issue(code="4002001", message=f"The feed document is not valid JSON: {exc}")]
    errors = sorted(envelope_validator().iter_errors(document), key=lambda e: list(e.path))
    if errors:
        return None, [_schema_issue(error, "4002005") for error in errors]
    if document["header"]["sellerId"] != seller_id:
        message = "The sellerId in the feed header does not match the submitting selling partner."
        return None, [Issue(code="4002007", message=message)]
    return document, []


def _message_issues(message: Any, ctx: FeedContext, seen: set[int]) -> list[Issue]:
    if not message_validator().is_valid(message):
        return [Issue(code="4002008", message=SCHEMA_MISMATCH)]
    if message["messageId"] in seen:
        return [Issue(code="4002009", message="The messageId is not unique within the feed.")]
    operation, sku = message["operationType"], message["sku"]
    if operation in ("PATCH", "PARTIAL_UPDATE", "DELETE") and ctx.book.get(sku) is None:
        return [unknown_sku(sku)]
    patches = message.get("patches") or [
        {"op": "replace", "path": f"/attributes/{name}", "value": value}
        for name, value in (message.get("attributes") or {}).items()
        if name == AVAILABILITY and isinstance(value, list)
    ]
    issues = check_patches(patches) if operation != "DELETE" else []
    return issues or ([internal_failure()] if ctx.fails() else [])


def _apply(message: Mapping[str, Any], ctx: FeedContext) -> None:
    operation, sku = message["operationType"], message["sku"]
    if operation == "PATCH":
        ctx.book.patch(sku, message["patches"], ctx.now)
    elif operation == "PARTIAL_UPDATE":
        ctx.book.replace_attributes(sku, message["attributes"], ctx.now)
    elif operation == "UPDATE":
        ctx.book.upsert(
            sku=sku,
            product_type=message["productType"],
            attributes=message["attributes"],
            now=ctx.now,
        )
    else:
        ctx.book.delete(sku)


def _summary(issues: list[dict[str, Any]], processed: int, accepted: int) -> dict[str, Any]:
    return {
        "errors": sum(1 for issue in issues if issue["severity"] == "ERROR"),
        "warnings": sum(1 for issue in issues if issue["severity"] == "WARNING"),
        "messagesProcessed": processed,
        "messagesAccepted": accepted,
        "messagesInvalid": processed - accepted,
    }


def _header(ctx: FeedContext, document: Any) -> dict[str, Any]:
    header: dict[str, Any] = {"sellerId": ctx.seller_id, "version": "2.0", "feedId": ctx.feed_id}
    if isinstance(document, dict) and "report" in document.get("header", {}):
        header["report"] = document["header"]["report"]
    return header


def _items(document: Any, skus: list[str], ctx: FeedContext) -> list[dict[str, Any]]:
    included = document["header"].get("report", {}).get("includedData", [])
    listings = [ctx.book.get(sku) for sku in dict.fromkeys(skus)]
    return [
        render_item(item, included, ctx.marketplace_ids) for item in listings if item is not None
    ]


def _process_messages(document: Any, ctx: FeedContext) -> tuple[list[dict[str, Any]], list[str]]:
    issues: list[dict[str, Any]] = []
    accepted: list[str] = []
    seen: set[int] = set()
    for message in document["messages"]:
        problems = _message_issues(message, ctx, seen)
        ids = message if isinstance(message, dict) else {}
        message_id = ids.get("messageId") if isinstance(ids.get("messageId"), int) else None
        if problems:
            sku = ids.get("sku") if isinstance(ids.get("sku"), str) else None
            issues.extend(problem.for_report(message_id, sku) for problem in problems)
        else:
            seen.add(message["messageId"])
            _apply(message, ctx)
            accepted.append(message["sku"])
    return issues, accepted


def process_feed(content: bytes | None, ctx: FeedContext) -> FeedOutcome:
    """Validate, apply the accepted messages, and build the report."""
    document, fatal = _envelope_issues(content, ctx.seller_id)
    if fatal:
        issues = [issue.for_report(None, None) for issue in fatal]
        fatal_report = {"header": _header(ctx, None), "issues": issues}
        fatal_report["summary"] = _summary(issues, 0, 0)
        return FeedOutcome(status=FeedStatus.FATAL, report=fatal_report)
    issues, accepted = _process_messages(document, ctx)
    summary = _summary(issues, len(document["messages"]), len(accepted))
    report: dict[str, Any] = {"header": _header(ctx, document), "issues": issues}
    if document["header"].get("report"):
        report["items"] = _items(document, accepted, ctx)
        summary["itemSummary"] = {"items": len(report["items"]), "errors": 0, "warnings": 0}
    report["summary"] = summary
    return FeedOutcome(status=FeedStatus.DONE, report=report)
