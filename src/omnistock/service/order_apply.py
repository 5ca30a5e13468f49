"""Apply one observed order inside an open unit of work: store it, apply its stock effects.

The caller owns the transaction (an import commits the orders of a page together with its
cursor). Effects follow ``omnistock.domain.orders.order_effects``; every effect recomputes the
touched SKUs (and kits containing them) so the sync engine pushes the other channels at once.
Logs carry ids only, never personal data.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.incidents import IncidentKind, Occurrence, Severity
from omnistock.domain.inventory import Reservation
from omnistock.domain.ledger import Movement, MovementKind
from omnistock.domain.orders import (
    ACTIVE,
    EffectKind,
    LineEffect,
    ObservedOrder,
    OrderLine,
    OrderStatus,
    advance,
    consume_key,
    order_effects,
)
from omnistock.privacy.redaction import known_values, redact
from omnistock.service.allocation import recompute_in
from omnistock.service.order_ports import OrderUow
from omnistock.service.order_privacy import (
    ContactPolicy,
    PersonalSealer,
    minimise,
    personal_values,
)

__all__ = ["Applied", "apply_observed", "quarantine", "rebind_quarantined"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Applied:
    """What applying one observation did."""

    order_id: int
    created: bool
    before: OrderStatus | None
    after: OrderStatus
    effects: int
    listings_changed: int
    unlinked: bool


def _link(uow: OrderUow, observed: ObservedOrder) -> tuple[OrderLine, ...]:
    skus = uow.orders.offer_skus(observed.channel, [line.offer_id for line in observed.lines])
    return tuple(dataclasses.replace(ln, sku=skus.get(ln.offer_id)) for ln in observed.lines)


def apply_observed(
    uow: OrderUow,
    observed: ObservedOrder,
    *,
    sealer: PersonalSealer,
    contacts: ContactPolicy,
    now: datetime,
    history: bool = False,
) -> Applied:
    """Upsert ``observed`` (one row per channel + external id) and apply its stock effects.

    ``history``: the first import of a channel reads back in time; an order seen for the first
    time already shipped, returned or cancelled then is history — the stock count already
    reflects it — so it is stored without any stock effect.
    """
    stored = uow.orders.claim(observed.channel, observed.external_id, now=now)
    before: OrderStatus | None = stored.status
    stale = (
        stored.channel_updated_at is not None and observed.updated_at < stored.channel_updated_at
    )
    after = before if (stale and before is not None) else advance(before, observed.status)
    lines = stored.lines if stale and before is not None else _link(uow, observed)
    effects = order_effects(
        observed.channel, before, after, stored.lines, lines, uow.products.bundles()
    )
    if history and before is None and after not in ACTIVE:
        effects = []
    touched = _apply_effects(uow, observed, effects, now)
    changed = recompute_in(uow, touched, now=now) if touched else 0
    unlinked = any(line.sku is None for line in lines)
    values = _values(observed, after, unlinked, stale, now)
    if observed.paid_at is not None and stored.paid_at is None:
        values["paid_at"] = observed.paid_at  # the first payment time seen; never cleared
    if before is OrderStatus.SHIPPED:
        values.pop("delivered_at", None)  # the day it shipped (P_6) is not moved by later updates
    if observed.personal is not None and not stale:
        kept = minimise(observed.personal, observed.invoice_requested, contacts)
        values |= sealer.seal_order(stored.id, kept, lookup=observed.personal)
    uow.orders.save(stored.id, values, lines)
    if observed.currency is not None and not stale:
        uow.orders.set_invoice_terms(
            stored.id, currency=observed.currency, delivery_gross=observed.delivery_gross
        )
    if before is None and not stale:
        uow.orders.absorb(observed.channel, stored.id, [line.line_id for line in lines])
    if unlinked and (before is None or not stored.unlinked):
        _unlinked_incident(uow, observed, lines, now)
    log.info(
        "order applied",
        extra={"channel": observed.channel, "order_id": stored.id, "status": str(after)},
    )
    return Applied(
        order_id=stored.id,
        created=before is None,
        before=before,
        after=after,
        effects=len(effects),
        listings_changed=changed,
        unlinked=unlinked,
    )


def _values(
    observed: ObservedOrder, after: OrderStatus, unlinked: bool, stale: bool, now: datetime
) -> dict[str, Any]:
    values: dict[str, Any] = {"status": after.value, "unlinked": unlinked, "last_seen_at": now}
    if after is OrderStatus.SHIPPED:
        values["delivered_at"] = observed.updated_at
    if after in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        values["closed_at"] = observed.updated_at
    if not stale:
        values |= {
            "channel_status": observed.channel_status[:64],
            "invoice_requested": observed.invoice_requested,
            "channel_updated_at": observed.updated_at,
        }
    return values


def _apply_effects(
    uow: OrderUow, observed: ObservedOrder, effects: Sequence[LineEffect], now: datetime
) -> set[Sku]:
    touched: set[Sku] = set()
    for effect in effects:
        touched.update(sku for sku, _ in effect.needs)
        if effect.kind is EffectKind.RESERVE:
            uow.reservations.add(
                [Reservation(sku=s, quantity=q, order_ref=effect.ref) for s, q in effect.needs],
                at=now,
            )
        else:
            uow.reservations.close(effect.ref, at=now)
        if effect.kind is EffectKind.CONSUME:
            _consume(uow, observed, effect, now)
    return touched


def _consume(uow: OrderUow, observed: ObservedOrder, effect: LineEffect, now: datetime) -> None:
    """Shipped: take the units off on-hand (largest warehouse first), once per line and SKU."""
    for sku, quantity in effect.needs:
        takes = _takes(uow.stock.levels([sku]), sku, quantity)
        short = quantity - sum(takes.values())
        movements = [
            Movement(
                sku=sku,
                warehouse=warehouse,
                kind=MovementKind.ADJUST,
                quantity=-take,
                observed_at=now,
                reason=f"shipped order {observed.external_id}",
                source=f"orders:{observed.channel}",
                actor="order-import",
                idempotency_key=f"{consume_key(effect.ref, sku)}@{warehouse}",
            )
            for warehouse, take in takes.items()
        ]
        if movements:
            uow.stock.record(movements, recorded_at=now)
        if short > 0:
            occurrence = Occurrence(
                kind=IncidentKind.SANITY_ERROR,
                severity=Severity.WARNING,
                subject=f"shipped {sku} beyond on-hand",
                channel=observed.channel,
                detail=f"order {observed.external_id}: {short} unit(s) of {sku} not on hand",
            )
            uow.orders.record_incident(occurrence, now=now)


def _takes(levels: Sequence[Any], sku: Sku, quantity: int) -> dict[WarehouseId, int]:
    takes: dict[WarehouseId, int] = {}
    ordered = sorted(
        (lv for lv in levels if lv.sku == sku), key=lambda lv: (-lv.on_hand, lv.warehouse)
    )
    for level in ordered:
        take = min(level.on_hand, quantity - sum(takes.values()))
        if take > 0:
            takes[level.warehouse] = take
    return takes


def _unlinked_incident(
    uow: OrderUow, observed: ObservedOrder, lines: Sequence[OrderLine], now: datetime
) -> None:
    for offer in sorted({line.offer_id for line in lines if line.sku is None}):
        occurrence = Occurrence(
            kind=IncidentKind.UNLINKED_ORDER,
            severity=Severity.ERROR,
            subject=f"offer {offer}",
            channel=observed.channel,
            detail=f"order {observed.external_id} sells offer {offer}, not linked to a SKU",
        )
        uow.orders.record_incident(occurrence, now=now)


def quarantine(
    uow: OrderUow,
    channel: ChannelId,
    external_id: str | None,
    raw: Mapping[str, Any] | None,
    reason: str,
    *,
    sealer: PersonalSealer,
    now: datetime,
) -> None:
    """Keep an unreadable payload (sealed: it may hold personal data) and raise an incident.

    The payload is sealed to its new row's id; the stored reason and the incident text are
    masked (``redact``: the payload's personal values and anything that looks personal).
    """
    text = json.dumps(raw, ensure_ascii=False, default=str, sort_keys=True)
    with known_values.scope(*personal_values(raw)):
        masked = redact(reason)
    quarantine_id = uow.orders.quarantine(channel, external_id, masked[:500], now=now)
    uow.orders.set_quarantined(quarantine_id, sealer.seal_quarantine(quarantine_id, text))
    occurrence = Occurrence(
        kind=IncidentKind.FEED_REJECTED,
        severity=Severity.ERROR,
        subject=f"order {external_id or '?'} quarantined",
        channel=channel,
        detail=masked[:200],
    )
    uow.orders.record_incident(occurrence, now=now)
    log.warning(
        "order quarantined",
        extra={"channel": channel, "external_id": external_id, "quarantine_id": quarantine_id},
    )


def rebind_quarantined(uow: OrderUow, sealer: PersonalSealer) -> int:
    """Re-seal quarantined payloads sealed before they were bound to their row id (and give
    them their look-up hashes); how many. Run before a key rotation (``privacy rotate-key``)."""
    done = 0
    with uow:
        for row in uow.orders.quarantined():
            sealed = sealer.rebound(row)
            if sealed is not None:
                uow.orders.set_quarantined(row["id"], sealed)
                done += 1
        uow.commit()
    return done
