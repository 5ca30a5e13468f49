"""Collection parameters of WP REST: ``page``/``per_page``/``offset``, dates, totals headers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from math import ceil
from typing import TypeVar
from urllib.parse import urlencode

from omnistock.sandbox.woocommerce.errors import invalid_param
from omnistock.sandbox.woocommerce.render import SITE_TZ

T = TypeVar("T")
MAX_PER_PAGE = 100


def _int_param(
    query: Mapping[str, str], name: str, default: int, low: int, high: int | None
) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_param(name, f"{name} is not of type integer.") from None
    if value < low or (high is not None and value > high):
        bound = (
            f"{name} must be between {low} (inclusive) and {high} (inclusive)"
            if high is not None
            else f"{name} must be greater than or equal to {low}"
        )
        raise invalid_param(name, bound)
    return value


def parse_date(query: Mapping[str, str], name: str, gmt: bool) -> datetime | None:
    """An ISO 8601 filter date; without an offset it is site time unless ``dates_are_gmt``."""
    raw = query.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise invalid_param(name, "Invalid date.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if gmt else SITE_TZ)
    return moment.astimezone(UTC)


def is_true(query: Mapping[str, str], name: str) -> bool:
    return query.get(name, "").lower() in ("1", "true")


def paginate(
    items: Sequence[T], query: Mapping[str, str], url: str
) -> tuple[list[T], dict[str, str]]:
    """Slice one page and build ``X-WP-Total``, ``X-WP-TotalPages`` and ``Link`` headers."""
    per_page = _int_param(query, "per_page", 10, 1, MAX_PER_PAGE)
    page = _int_param(query, "page", 1, 1, None)
    offset = _int_param(query, "offset", (page - 1) * per_page, 0, None)
    total = len(items)
    pages = ceil(total / per_page) if total else 0
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    rels = []
    params = {
        key: value for key, value in query.items() if key not in ("consumer_key", "consumer_secret")
    }
    if page > 1:
        rels.append(
            f'<{url}?{urlencode({**params, "page": min(page - 1, max(pages, 1))})}>; rel="prev"'
        )
    if page < pages:
        rels.append(f'<{url}?{urlencode({**params, "page": page + 1})}>; rel="next"')
    if rels:
        headers["Link"] = ", ".join(rels)
    return list(items[offset : offset + per_page]), headers
