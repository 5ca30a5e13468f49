"""Retention rules per purpose, as pure functions over a record's dates and ``now``.

- ``fulfilment`` (buyer name, delivery address, contact): kept until ``delivery_days`` after the
  later of delivery (or cancellation) and the end of the return window (14 days after delivery
  unless the record says otherwise). Not yet delivered or closed → kept.
- ``invoicing`` (invoice address, NIP): a **legal obligation** — kept 5 years from the end of the
  tax year of the invoice (Polish calendar year, Europe/Warsaw), then removed. It overrides
  erasure requests until then.
- ``diagnostics`` (the raw payload of an order that could not be imported, kept so the seller
  can see why): kept ``quarantine_days`` after it was received, then removed.
- ``marketing``: omnistock keeps nothing for marketing; any such data has always expired.
- ``lookup`` (keyed hashes): kept while the record holds any other personal field.

Standard library only; ``now`` is a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_POLICY",
    "TAX_ZONE",
    "DateRole",
    "ErasureDecision",
    "Purpose",
    "RetentionPolicy",
    "erasure_decision",
    "expired",
    "expires_at",
    "invoice_retention_end",
]

TAX_ZONE = ZoneInfo("Europe/Warsaw")


class Purpose(StrEnum):
    """Why a personal field is kept; each purpose has one retention rule."""

    FULFILMENT = "fulfilment"
    INVOICING = "invoicing"
    DIAGNOSTICS = "diagnostics"
    MARKETING = "marketing"
    LOOKUP = "lookup"


class DateRole(StrEnum):
    """The dates of a record that retention rules read."""

    DELIVERED = "delivered"
    CLOSED = "closed"
    RETURN_WINDOW_ENDS = "return_window_ends"
    INVOICED = "invoiced"
    RECEIVED = "received"


LEGAL_RETENTION = frozenset({Purpose.INVOICING})


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionPolicy:
    """Configurable periods: days kept after delivery/return window, default return window,
    legal invoice years, days a quarantined order payload is kept after receipt."""

    delivery_days: int = 30
    return_window_days: int = 14
    invoice_years: int = 5
    quarantine_days: int = 30

    def __post_init__(self) -> None:
        for name in ("delivery_days", "return_window_days", "invoice_years", "quarantine_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")


DEFAULT_POLICY = RetentionPolicy()


@dataclass(frozen=True, slots=True, kw_only=True)
class ErasureDecision:
    """Whether a field may be erased now; if not, why and until when."""

    erase: bool
    reason: str
    keep_until: datetime | None = None


Dates = Mapping[DateRole, datetime | None]


def invoice_retention_end(invoiced: datetime, *, years: int = 5) -> datetime:
    """The end of the legal period: 5 years from the end of the invoice's tax year.

    >>> from datetime import UTC
    >>> invoice_retention_end(datetime(2026, 3, 10, tzinfo=UTC)).isoformat()
    '2032-01-01T00:00:00+01:00'
    """
    tax_year = invoiced.astimezone(TAX_ZONE).year
    return datetime(tax_year + years + 1, 1, 1, tzinfo=TAX_ZONE)


def expires_at(
    dates: Dates, purpose: Purpose, *, policy: RetentionPolicy = DEFAULT_POLICY
) -> datetime | None:
    """When data kept for ``purpose`` expires; ``None`` while it cannot be known yet."""
    if purpose is Purpose.INVOICING:
        invoiced = dates.get(DateRole.INVOICED)
        return invoice_retention_end(invoiced, years=policy.invoice_years) if invoiced else None
    if purpose is Purpose.FULFILMENT:
        return _fulfilment_end(dates, policy)
    if purpose is Purpose.DIAGNOSTICS:
        received = dates.get(DateRole.RECEIVED)
        return received + timedelta(days=policy.quarantine_days) if received else None
    return None


def _fulfilment_end(dates: Dates, policy: RetentionPolicy) -> datetime | None:
    delivered, closed = dates.get(DateRole.DELIVERED), dates.get(DateRole.CLOSED)
    window = dates.get(DateRole.RETURN_WINDOW_ENDS)
    if delivered and window is None:
        window = delivered + timedelta(days=policy.return_window_days)
    anchors = [moment for moment in (delivered, closed, window) if moment is not None]
    if not anchors:
        return None
    return max(anchors) + timedelta(days=policy.delivery_days)


def expired(
    dates: Dates, purpose: Purpose, now: datetime, *, policy: RetentionPolicy = DEFAULT_POLICY
) -> bool:
    """True when data kept for ``purpose`` must be removed at ``now``.

    Marketing data has always expired (omnistock keeps none); look-up hashes never expire on
    their own (they go with the last other personal field of the record).
    """
    if purpose is Purpose.MARKETING:
        return True
    end = expires_at(dates, purpose, policy=policy)
    return end is not None and now >= end


def erasure_decision(
    dates: Dates, purpose: Purpose, now: datetime, *, policy: RetentionPolicy = DEFAULT_POLICY
) -> ErasureDecision:
    """May a field kept for ``purpose`` be erased on request at ``now``? Legal retention wins."""
    if purpose not in LEGAL_RETENTION:
        return ErasureDecision(erase=True, reason="no legal obligation to keep it")
    end = expires_at(dates, purpose, policy=policy)
    if end is not None and now >= end:
        return ErasureDecision(erase=True, reason="the legal retention period has ended")
    until = f" until {end.date().isoformat()}" if end else " (invoice date not recorded yet)"
    return ErasureDecision(
        erase=False,
        reason="legal obligation (art. 6(1)(c) GDPR): invoice data must be kept 5 years from "
        f"the end of the tax year (art. 112 VAT Act, art. 86 Tax Ordinance){until}",
        keep_until=end,
    )
