"""Stock sources: when a feed is rejected at import, and when a silent source becomes stale.

A feed is rejected when it is **empty**, **older** than its maximum age, or **truncated**
(it reports fewer than ``feed_min_share`` of the SKUs the source usually reports). A source that
stops reporting makes its SKUs **stale** — their quantities are unknown, never 0.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku
from omnistock.domain.safety.thresholds import GuardThresholds

__all__ = [
    "FeedCheck",
    "FeedProblem",
    "FeedSummary",
    "check_feed",
    "stale_skus",
    "usual_sku_count",
]


class FeedProblem(StrEnum):
    """Why a stock feed is rejected."""

    EMPTY = "empty"
    STALE = "stale"
    TRUNCATED = "truncated"
    FUTURE = "future"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedSummary:
    """What the importer read: the source's name, when the feed was produced, which SKUs."""

    source: str
    produced_at: datetime
    skus: frozenset[Sku]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedCheck:
    """``problem`` is ``None`` when the feed may be imported; ``missing`` is informative."""

    problem: FeedProblem | None
    message: str
    missing: frozenset[Sku] = frozenset()

    @property
    def accepted(self) -> bool:
        return self.problem is None


def check_feed(
    feed: FeedSummary,
    *,
    usual_count: int,
    expected: Collection[Sku] = (),
    now: datetime,
    thresholds: GuardThresholds | None = None,
    max_age: timedelta | None = None,
) -> FeedCheck:
    """Accept or reject one feed (``usual_count``: see :func:`usual_sku_count`; 0 = no history).

    ``expected`` — SKUs the source reported before — only fills ``missing``.
    ``max_age`` overrides ``thresholds.feed_max_age`` for this source.
    """
    limits = thresholds if thresholds is not None else GuardThresholds()
    age = now - feed.produced_at
    missing = frozenset(expected) - feed.skus
    if not feed.skus:
        return FeedCheck(problem=FeedProblem.EMPTY, message=f"{feed.source}: feed has no rows")
    if age < -timedelta(minutes=5):
        return FeedCheck(problem=FeedProblem.FUTURE, message=f"{feed.source}: feed is dated ahead")
    if age > (max_age if max_age is not None else limits.feed_max_age):
        hours = age.total_seconds() / 3600
        return FeedCheck(
            problem=FeedProblem.STALE, message=f"{feed.source}: feed is {hours:.1f} h old"
        )
    if usual_count > 0 and len(feed.skus) < limits.feed_min_share * usual_count:
        message = f"{feed.source}: {len(feed.skus)} SKUs, usually {usual_count}"
        return FeedCheck(problem=FeedProblem.TRUNCATED, message=message, missing=missing)
    return FeedCheck(problem=None, message=f"{feed.source}: accepted", missing=missing)


def usual_sku_count(history: Sequence[int]) -> int:
    """The median SKU count of the source's recent accepted feeds (0 without history)."""
    if any(count < 0 for count in history):
        raise InvalidValue("SKU counts must not be negative", field="history")
    return int(statistics.median(history)) if history else 0


def stale_skus(
    last_reported: Mapping[Sku, datetime], *, max_age: timedelta, now: datetime
) -> frozenset[Sku]:
    """SKUs whose source has not reported them within ``max_age``: unknown, never 0."""
    return frozenset(sku for sku, at in last_reported.items() if now - at > max_age)
