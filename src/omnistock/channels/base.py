"""The channel boundary: the ``ChannelAdapter`` Protocol, its value types and its errors.

Every sales channel (Allegro, WooCommerce, Amazon, Meta, the in-memory fake) implements
``ChannelAdapter``. The sync engine sees only these names; an adapter translates its vendor's
HTTP answers into them in one place (``raise … from exc``).

Error tree (all carry ``channel``)::

    ChannelError
    ├── ChannelRetryable            may succeed later
    │   ├── RateLimited             HTTP 429; ``retry_after`` seconds when the channel said so
    │   ├── TransientChannelError   5xx, timeouts, dropped connections
    │   └── MalformedResponse       unparseable answer, or results for offers not in the batch
    ├── PermanentChannelError       the channel refused the whole request; retrying will not help
    └── BatchNotFound               ``poll`` of a batch id the channel never received
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from omnistock.domain.ids import ChannelId, Sku

__all__ = [
    "AuthenticationFailed",
    "BatchNotFound",
    "Capabilities",
    "ChannelAdapter",
    "ChannelError",
    "ChannelLimits",
    "ChannelOrder",
    "ChannelRetryable",
    "ItemResult",
    "ItemStatus",
    "MalformedResponse",
    "OrderPage",
    "PermanentChannelError",
    "PushBatch",
    "PushItem",
    "PushOperation",
    "PushReport",
    "RateLimited",
    "TransientChannelError",
    "is_auth_failure",
    "validate_report",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelLimits:
    """Documented limits of one channel account: requests and offer changes per window."""

    requests_per_window: int
    changes_per_window: int
    window_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PushOperation:
    """One way ``push`` sends a batch, with its own documented limit (Amazon: ``patch``, ``feed``).

    The adapter uses the first operation of ``Capabilities.operations`` (smallest first) whose
    ``max_items`` holds the batch. ``requests_per_item``: one request per offer (a PATCH per
    SKU), so a batch of n costs n requests. ``burst``: the share of ``limits`` the budget lets
    go at once (the rest refills evenly over the window).
    """

    name: str
    max_items: int
    limits: ChannelLimits
    burst: float = 0.5
    requests_per_item: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Capabilities:
    """What a channel can take.

    ``zero_means_end``: quantity 0 cannot be set and ends the offer instead (Allegro); resuming
    from 0 must re-activate it. ``async_results``: ``push`` may answer with a pending report
    whose per-item results come later from ``poll``. ``operations``: push operations with
    separate limits, smallest ``max_items`` first (empty: one operation, the account ``limits``).
    """

    max_batch: int
    zero_means_end: bool
    limits: ChannelLimits
    async_results: bool
    operations: tuple[PushOperation, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PushItem:
    """One offer's new quantity, with what was last pushed, when it was observed and why."""

    offer_id: str
    sku: Sku
    quantity: int
    previous: int | None
    observed_at: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PushBatch:
    """Quantities sent in one call; ``id`` is chosen and stored before any I/O (idempotency key)."""

    id: UUID
    channel: ChannelId
    items: tuple[PushItem, ...]


class ItemStatus(StrEnum):
    OK = "ok"
    RETRYABLE = "retryable"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemResult:
    """The channel's answer for one offer of a batch."""

    offer_id: str
    status: ItemStatus
    code: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PushReport:
    """Answer to ``push`` or ``poll``: per-item ``results``, or ``pending`` with a command id."""

    batch_id: UUID
    results: tuple[ItemResult, ...] = ()
    pending: bool = False
    command_id: str | None = None
    http_status: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelOrder:
    """An order line feed entry as the channel reports it (ids only, no personal data)."""

    order_id: str
    offer_id: str
    quantity: int
    status: str
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderPage:
    """One page of the channel's order feed and the cursor to continue from."""

    orders: tuple[ChannelOrder, ...]
    cursor: str | None
    has_more: bool = False


class ChannelAdapter(Protocol):
    """One channel account, synchronous (the ``channels`` layer is synchronous)."""

    @property
    def capabilities(self) -> Capabilities: ...

    def push(self, batch: PushBatch) -> PushReport: ...

    def poll(self, batch_id: UUID) -> PushReport: ...

    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]: ...

    def poll_orders(self, cursor: str | None) -> OrderPage: ...


class ChannelError(Exception):
    """A channel call failed."""

    def __init__(
        self, message: str = "", *, channel: str = "", http_status: int | None = None
    ) -> None:
        super().__init__(message or (type(self).__doc__ or "").strip())
        self.channel = channel
        self.http_status = http_status


class ChannelRetryable(ChannelError):
    """The call may succeed later."""

    retry_after: float | None = None


class RateLimited(ChannelRetryable):
    """The channel asked us to slow down (HTTP 429)."""

    def __init__(
        self,
        message: str = "",
        *,
        channel: str = "",
        retry_after: float | None = None,
        http_status: int | None = 429,
    ) -> None:
        super().__init__(message, channel=channel, http_status=http_status)
        self.retry_after = retry_after


class TransientChannelError(ChannelRetryable):
    """The channel failed for a passing reason (5xx, timeout, dropped connection)."""


class MalformedResponse(ChannelRetryable):
    """The channel's answer could not be understood; never treated as success."""


class PermanentChannelError(ChannelError):
    """The channel refused the request; retrying will not help."""


class AuthenticationFailed(PermanentChannelError):
    """The channel refused omnistock's credentials (e.g. an expired Allegro refresh token):
    a person must authorise omnistock again (``omnistock channel auth NAME``)."""


def is_auth_failure(error: ChannelError) -> bool:
    """True when the error means the account's credentials no longer work."""
    return isinstance(error, AuthenticationFailed) or (
        isinstance(error, PermanentChannelError) and error.http_status in (401, 403)
    )


class BatchNotFound(ChannelError):
    """The channel does not know this batch id (it was never received)."""


def validate_report(batch: PushBatch, report: PushReport) -> PushReport:
    """Return ``report`` if it answers exactly ``batch``; else raise ``MalformedResponse``.

    A result for an offer not in the batch, a missing or duplicated result, or a report for
    another batch id fails the whole batch.
    """
    expected = frozenset(i.offer_id for i in batch.items)
    if report.batch_id != batch.id:
        raise MalformedResponse(f"report for batch {report.batch_id}", channel=batch.channel)
    if report.pending:
        return report
    seen = [r.offer_id for r in report.results]
    if len(seen) != len(set(seen)) or set(seen) != expected:
        unknown = sorted(set(seen) - expected)[:3]
        missing = sorted(expected - set(seen))[:3]
        raise MalformedResponse(
            f"results do not match the batch (unknown {unknown}, missing {missing})",
            channel=batch.channel,
        )
    return report
