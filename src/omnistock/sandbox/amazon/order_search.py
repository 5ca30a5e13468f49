"""``searchOrders`` (orders 2026-01-01): parameter rules and pagination tokens.

Exactly one of ``createdAfter``/``lastUpdatedAfter``; a ``…Before`` bound of the other kind is
refused; a given ``…Before`` must not precede the ``…After`` and must be two minutes in the
past; without it the bound is the request time and is echoed in the response. Pages follow
``(time, orderId)``; a ``paginationToken`` lives 24 h and only ``maxResultsPerPage`` and
``includedData`` may change between pages.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from omnistock.sandbox.amazon.account import MARKETPLACES
from omnistock.sandbox.amazon.errors import SpApiError
from omnistock.sandbox.amazon.order_render import INCLUDED_DATA, render_order
from omnistock.sandbox.amazon.orders import Order
from omnistock.sandbox.amazon.render import iso

__all__ = ["OrderSearch", "SearchQuery", "csv_values", "parse_query", "parse_time"]

TOKEN_TTL = timedelta(hours=24)
STATUSES = frozenset(
    {
        "PENDING_AVAILABILITY",
        "PENDING",
        "UNSHIPPED",
        "PARTIALLY_SHIPPED",
        "SHIPPED",
        "CANCELLED",
        "UNFULFILLABLE",
    }
)
_PAGE_FREE = frozenset({"maxResultsPerPage", "includedData", "paginationToken"})


def _invalid(message: str) -> SpApiError:
    return SpApiError(400, "InvalidInput", message)


def csv_values(values: Sequence[str]) -> list[str]:
    """Array query values, comma-separated (Swagger ``csv``) or repeated."""
    return [part for value in values for part in value.split(",") if part]


def parse_time(name: str, value: str) -> datetime:
    """An ISO 8601 time (naive means UTC), or 400 ``InvalidInput`` naming the parameter."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid(f"Invalid {name}: '{value}' is not an ISO 8601 date-time.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _choices(name: str, values: list[str], allowed: Iterable[str]) -> frozenset[str] | None:
    bad = sorted(set(values) - set(allowed))
    if bad:
        raise _invalid(f"Invalid {name}: {', '.join(bad)}.")
    return frozenset(values) if values else None


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchQuery:
    """One validated ``searchOrders`` call."""

    field: str
    after: datetime
    before: datetime
    statuses: frozenset[str] | None
    marketplaces: frozenset[str] | None
    merchant: bool
    page_size: int
    included: frozenset[str]

    def matches(self, order: Order) -> bool:
        """Whether ``order`` belongs to the result set."""
        moment = order.created if self.field == "created" else order.updated
        return (
            self.merchant
            and self.after <= moment <= self.before
            and (self.statuses is None or order.status.value in self.statuses)
            and (self.marketplaces is None or order.marketplace_id in self.marketplaces)
        )


def _bounds(single: Mapping[str, str], now: datetime) -> tuple[str, datetime, datetime | None]:
    created, updated = single.get("createdAfter"), single.get("lastUpdatedAfter")
    if (created is None) == (updated is None):
        raise _invalid("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
    field, prefix = ("created", "created") if created else ("updated", "lastUpdated")
    other = "lastUpdated" if field == "created" else "created"
    if f"{other}Before" in single:
        raise _invalid(f"{other}Before cannot be combined with {prefix}After.")
    after = parse_time(f"{prefix}After", created or updated or "")
    before_text = single.get(f"{prefix}Before")
    if before_text is None:
        return field, after, None
    before = parse_time(f"{prefix}Before", before_text)
    if before < after or before > now - timedelta(minutes=2):
        raise _invalid(
            f"{prefix}Before must be on or after {prefix}After and at least two minutes "
            "before the time of the request."
        )
    return field, after, before


def _page_size(text: str | None) -> int:
    if text is None:
        return 100
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise _invalid("maxResultsPerPage must be an integer between 1 and 100.")
    return int(text)


def parse_query(params: Mapping[str, list[str]], now: datetime) -> SearchQuery:
    """The validated query; without a ``…Before`` the bound is ``now``."""
    single = {name: values[-1] for name, values in params.items() if values}
    field, after, before = _bounds(single, now)
    marketplaces = csv_values(params.get("marketplaceIds", []))
    if len(marketplaces) > 50:
        raise _invalid("marketplaceIds accepts at most 50 values.")
    fulfilled_by = _choices(
        "fulfilledBy", csv_values(params.get("fulfilledBy", [])), ("MERCHANT", "AMAZON")
    )
    return SearchQuery(
        field=field,
        after=after,
        before=before or now,
        statuses=_choices(
            "fulfillmentStatuses", csv_values(params.get("fulfillmentStatuses", [])), STATUSES
        ),
        marketplaces=_choices("marketplaceIds", marketplaces, MARKETPLACES),
        merchant=fulfilled_by is None or "MERCHANT" in fulfilled_by,
        page_size=_page_size(single.get("maxResultsPerPage")),
        included=_choices("includedData", csv_values(params.get("includedData", [])), INCLUDED_DATA)
        or frozenset(),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Cursor:
    signature: tuple[tuple[str, tuple[str, ...]], ...]
    before: datetime
    last: tuple[datetime, str]
    issued: datetime


class OrderSearch:
    """Runs searches and keeps their pagination tokens."""

    def __init__(self) -> None:
        self._tokens: dict[str, _Cursor] = {}
        self._lock = threading.Lock()

    def search(
        self, params: Mapping[str, list[str]], orders: Iterable[Order], now: datetime
    ) -> dict[str, Any]:
        """The ``SearchOrdersResponse`` body, or ``SpApiError`` 400."""
        query = parse_query(params, now)
        signature = tuple(sorted((k, tuple(v)) for k, v in params.items() if k not in _PAGE_FREE))
        cursor = self._cursor(params.get("paginationToken", []), signature, now)
        if cursor is not None:
            query = replace(query, before=cursor.before)
        found = sorted(
            (o for o in orders if query.matches(o)), key=lambda o: o.sort_key(query.field)
        )
        if cursor is not None:
            found = [o for o in found if o.sort_key(query.field) > cursor.last]
        page = found[: query.page_size]
        body: dict[str, Any] = {"orders": [render_order(o, query.included) for o in page]}
        if len(found) > len(page):
            last = page[-1].sort_key(query.field)
            body["pagination"] = {"nextToken": self._issue(signature, query.before, last, now)}
        key = "createdBefore" if query.field == "created" else "lastUpdatedBefore"
        body[key] = iso(query.before)
        return body

    def _cursor(
        self, tokens: list[str], signature: tuple[Any, ...], now: datetime
    ) -> _Cursor | None:
        if not tokens:
            return None
        with self._lock:
            cursor = self._tokens.get(tokens[-1])
        if cursor is None:
            raise _invalid("Invalid paginationToken.")
        if now - cursor.issued > TOKEN_TTL:
            raise _invalid("The paginationToken has expired.")
        if cursor.signature != signature:
            raise _invalid(
                "All parameters except maxResultsPerPage and includedData must match the "
                "request that returned the paginationToken."
            )
        return cursor

    def _issue(
        self,
        signature: tuple[Any, ...],
        before: datetime,
        last: tuple[datetime, str],
        now: datetime,
    ) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = _Cursor(signature=signature, before=before, last=last, issued=now)
        return token

    def reset(self) -> None:
        """Forget every token."""
        with self._lock:
            self._tokens.clear()
