"""Values of a channel's order feed: which orders changed, and where to continue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FeedEntry", "FeedPage"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """An order that changed: its id, and its raw payload if the feed already has it."""

    external_id: str
    raw: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedPage:
    """One page of changed orders and the cursor after it."""

    entries: tuple[FeedEntry, ...]
    cursor: str | None
    has_more: bool = False
