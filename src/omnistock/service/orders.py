"""Use cases of orders: import a channel's order feeds, receive a webhook order, list and show.

Import of one feed (R8): read the cursor; outside any transaction ask the channel for the next
page of changed orders and fetch the full orders; then in **one** transaction apply every order
(idempotent upsert + stock effects + recompute of the touched listings) and store the new
cursor. A crash before the commit loses nothing: the page is read again and applying an order
twice changes nothing. Malformed payloads go to the quarantine (sealed) with an incident.
While an order is processed its personal values are registered with the log redaction
(``known_values.scope``): no log line, quarantine reason or incident text carries them.

```python
summary = import_feed(lambda: OrderUnitOfWork(engine), feed, "events", sealer=sealer,
                      contacts=ContactPolicy(), clock=clock)
```
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.orders import ObservedOrder, UnknownOrder
from omnistock.privacy.redaction import known_values
from omnistock.service.order_apply import Applied, apply_observed, quarantine
from omnistock.service.order_ports import FeedEntry, OrderFeed, OrderUow
from omnistock.service.order_privacy import ContactPolicy, PersonalSealer, personal_values
from omnistock.service.ports import Clock

__all__ = [
    "ImportSummary",
    "import_channel",
    "import_feed",
    "list_orders",
    "receive_order",
    "show_order",
]

log = logging.getLogger(__name__)
MAX_PAGES = 1000


@dataclass(slots=True, kw_only=True)
class ImportSummary:
    """Counts of one import run (ids only)."""

    channel: str
    pages: int = 0
    seen: int = 0
    created: int = 0
    changed: int = 0
    merged: int = 0
    quarantined: int = 0
    unlinked: int = 0
    listings_changed: int = 0
    cursors: dict[str, str | None] = field(default_factory=dict)

    def add(self, applied: Applied) -> None:
        self.seen += 1
        self.created += applied.created
        self.changed += applied.before != applied.after and not applied.created
        self.unlinked += applied.unlinked
        self.listings_changed += applied.listings_changed

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Deps:
    sealer: PersonalSealer
    contacts: ContactPolicy
    now: datetime
    history: bool = False


def import_feed(
    uow_factory: Callable[[], OrderUow],
    feed: OrderFeed,
    name: str,
    *,
    sealer: PersonalSealer,
    contacts: ContactPolicy,
    clock: Clock,
    start: str | None = None,
    summary: ImportSummary | None = None,
) -> ImportSummary:
    """Import every page of one feed from its stored cursor (or from the cursor ``start``).

    The very first import of a feed (no stored cursor, no ``start``) reads the channel's
    recent history: orders first seen already shipped or cancelled have no stock effect.
    """
    channel = feed.channel
    summary = summary or ImportSummary(channel=channel)
    with uow_factory() as uow:
        cursor = start if start is not None else uow.orders.cursor(channel, name)
    history = cursor is None
    for _ in range(MAX_PAGES):
        page = feed.changes(name, cursor)
        fetched = [(entry, _full(feed, entry)) for entry in page.entries]
        deps = _Deps(sealer=sealer, contacts=contacts, now=clock.now(), history=history)
        with uow_factory() as uow:
            for entry, raw in fetched:
                _apply_entry(uow, feed, entry, raw, deps, summary)
            if page.cursor is not None:
                uow.orders.set_cursor(channel, name, page.cursor, now=deps.now)
            uow.commit()
        summary.pages += 1
        cursor = page.cursor
        if not page.has_more:
            break
    summary.cursors[name] = cursor
    return summary


def _full(feed: OrderFeed, entry: FeedEntry) -> Mapping[str, Any] | None:
    return entry.raw if entry.raw is not None else feed.fetch(entry.external_id)


def _apply_entry(
    uow: OrderUow,
    feed: OrderFeed,
    entry: FeedEntry,
    raw: Mapping[str, Any] | None,
    deps: _Deps,
    summary: ImportSummary,
) -> None:
    if raw is None:
        summary.merged += uow.orders.mark_merged(feed.channel, entry.external_id, now=deps.now)
        return
    with known_values.scope(*personal_values(raw)):  # masked in every log line meanwhile
        _parse_and_apply(uow, feed, entry, raw, deps, summary)


def _parse_and_apply(
    uow: OrderUow,
    feed: OrderFeed,
    entry: FeedEntry,
    raw: Mapping[str, Any],
    deps: _Deps,
    summary: ImportSummary,
) -> None:
    try:
        observed = feed.parse(raw)
    except (InvalidValue, KeyError, TypeError, ValueError) as exc:
        quarantine(
            uow,
            feed.channel,
            entry.external_id,
            raw,
            _reason(exc),
            sealer=deps.sealer,
            now=deps.now,
        )
        summary.quarantined += 1
        return
    parsed = dataclasses.asdict(observed.personal) if observed.personal else None
    with known_values.scope(*personal_values(parsed)):
        summary.add(_apply(uow, observed, deps))


def _apply(uow: OrderUow, observed: ObservedOrder, deps: _Deps) -> Applied:
    return apply_observed(
        uow,
        observed,
        sealer=deps.sealer,
        contacts=deps.contacts,
        now=deps.now,
        history=deps.history,
    )


def _reason(exc: Exception) -> str:
    """Why a payload was quarantined, without echoing payload values (they may be personal)."""
    if isinstance(exc, InvalidValue):
        return f"InvalidValue: {exc}"
    if isinstance(exc, KeyError):
        return f"KeyError: missing {str(exc.args[0])[:60]!r}"
    return f"{type(exc).__name__}: a value has the wrong type or format"


def import_channel(
    uow_factory: Callable[[], OrderUow],
    feed: OrderFeed,
    *,
    sealer: PersonalSealer,
    contacts: ContactPolicy,
    clock: Clock,
    since: datetime | None = None,
    feeds: tuple[str, ...] | None = None,
) -> ImportSummary:
    """Import every feed of a channel account (Allegro: the journal, then the cross-check).

    With ``since``, each feed starts at that time instead of its stored cursor (a feed that
    cannot start at a time — Allegro's event journal — is skipped; its cross-check runs).
    """
    summary = ImportSummary(channel=feed.channel)
    for name in feeds or feed.feeds:
        start = feed.cursor_since(name, since) if since is not None else None
        if since is not None and start is None:
            continue
        import_feed(
            uow_factory,
            feed,
            name,
            sealer=sealer,
            contacts=contacts,
            clock=clock,
            start=start,
            summary=summary,
        )
    return summary


def receive_order(
    uow_factory: Callable[[], OrderUow],
    feed: OrderFeed,
    raw: Mapping[str, Any],
    *,
    sealer: PersonalSealer,
    contacts: ContactPolicy,
    clock: Clock,
) -> ImportSummary:
    """Apply one order pushed by the channel (a webhook payload whose signature was verified)."""
    summary = ImportSummary(channel=feed.channel)
    deps = _Deps(sealer=sealer, contacts=contacts, now=clock.now())
    entry = FeedEntry(external_id=str(raw.get("id", "")) or "?", raw=raw)
    with uow_factory() as uow:
        _apply_entry(uow, feed, entry, raw, deps, summary)
        uow.commit()
    return summary


def list_orders(
    uow: OrderUow, channel: ChannelId | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Stored orders without personal data (ids, status, flags, lines)."""
    with uow:
        return [_public(order) for order in uow.orders.list_orders(channel, limit)]


def show_order(
    uow: OrderUow, order_id: int, *, sealer: PersonalSealer | None = None
) -> dict[str, Any]:
    """One order; its personal data decrypted only when a ``sealer`` is given."""
    with uow:
        order = uow.orders.get(order_id)
    if order is None:
        raise UnknownOrder(f"no order {order_id}", field="id")
    view = _public(order)
    if sealer is not None and order.has_personal:
        view["personal"] = dataclasses.asdict(sealer.open_order(order.id, order.sealed))
    return view


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _public(order: Any) -> dict[str, Any]:
    return {
        "id": order.id,
        "channel": order.channel,
        "external_id": order.external_id,
        "status": str(order.status) if order.status else None,
        "channel_status": order.channel_status,
        "unlinked": order.unlinked,
        "merged": order.merged,
        "invoice_requested": order.invoice_requested,
        "channel_updated_at": _iso(order.channel_updated_at),
        "paid_at": _iso(order.paid_at),
        "first_seen_at": _iso(order.first_seen_at),
        "last_seen_at": _iso(order.last_seen_at),
        "has_personal": order.has_personal,
        "lines": [
            {"line_id": ln.line_id, "offer_id": ln.offer_id, "sku": ln.sku, "quantity": ln.quantity}
            for ln in order.lines
        ],
    }
