"""``getFeeds``: filter the seller's feeds, newest first, in pages with a ``nextToken``.

Either ``feedTypes`` or ``nextToken`` is required, and a ``nextToken`` must come alone.
``createdSince`` defaults to 90 days ago, ``createdUntil`` to now, ``pageSize`` to 10 (1–100).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from omnistock.sandbox.amazon.errors import SpApiError
from omnistock.sandbox.amazon.feeds import Feed, FeedStatus
from omnistock.sandbox.amazon.order_search import csv_values, parse_time

__all__ = ["FeedFilter", "FeedPager"]

STATUSES = frozenset(status.value for status in FeedStatus)


def _invalid(message: str) -> SpApiError:
    return SpApiError(400, "InvalidInput", message)


def _bounded(name: str, values: list[str], most: int) -> frozenset[str] | None:
    if len(values) > most:
        raise _invalid(f"{name} accepts at most {most} values.")
    return frozenset(values) if values else None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedFilter:
    """One validated ``getFeeds`` query."""

    types: frozenset[str]
    markets: frozenset[str] | None
    statuses: frozenset[str] | None
    since: datetime
    until: datetime
    page_size: int

    @classmethod
    def parse(cls, params: Mapping[str, list[str]], now: datetime) -> FeedFilter:
        """Validate the query parameters (400 ``InvalidInput`` otherwise)."""
        single = {name: values[-1] for name, values in params.items() if values}
        types = _bounded("feedTypes", csv_values(params.get("feedTypes", [])), 10)
        if types is None:
            raise _invalid("Either feedTypes or nextToken is required.")
        statuses = _bounded(
            "processingStatuses", csv_values(params.get("processingStatuses", [])), 5
        )
        if statuses is not None and not statuses <= STATUSES:
            raise _invalid(f"Invalid processingStatuses: {', '.join(sorted(statuses - STATUSES))}.")
        size = single.get("pageSize", "10")
        if not size.isdigit() or not 1 <= int(size) <= 100:
            raise _invalid("pageSize must be an integer between 1 and 100.")
        since = (
            parse_time("createdSince", single.get("createdSince", ""))
            if "createdSince" in single
            else now - timedelta(days=90)
        )
        until = (
            parse_time("createdUntil", single["createdUntil"]) if "createdUntil" in single else now
        )
        return cls(
            types=types,
            markets=_bounded("marketplaceIds", csv_values(params.get("marketplaceIds", [])), 10),
            statuses=statuses,
            since=since,
            until=until,
            page_size=int(size),
        )

    def matches(self, feed: Feed, now: datetime) -> bool:
        """Whether ``feed`` is part of the result."""
        return (
            feed.feed_type in self.types
            and self.since <= feed.created <= self.until
            and (self.markets is None or bool(self.markets & set(feed.marketplace_ids)))
            and (self.statuses is None or feed.status_at(now).value in self.statuses)
        )


class FeedPager:
    """Pages of ``getFeeds`` results; a token remembers the filter and the position."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[FeedFilter, int]] = {}

    def page(
        self, params: Mapping[str, list[str]], feeds: Iterable[Feed], now: datetime
    ) -> tuple[list[Feed], str | None]:
        """The feeds of this page and the token of the next one (``None`` on the last)."""
        if "nextToken" in params:
            if len(params) > 1:
                raise _invalid("nextToken must be the only parameter.")
            if params["nextToken"][-1] not in self._tokens:
                raise _invalid("Invalid nextToken.")
            query, start = self._tokens[params["nextToken"][-1]]
        else:
            query, start = FeedFilter.parse(params, now), 0
        found = sorted(
            (feed for feed in feeds if query.matches(feed, now)),
            key=lambda feed: (feed.created, feed.feed_id),
            reverse=True,
        )
        end = start + query.page_size
        if end >= len(found):
            return found[start:], None
        token = secrets.token_urlsafe(24)
        self._tokens[token] = (query, end)
        return found[start:end], token
