"""Row ↔ value mapping (``from_row`` / ``to_row``) for the store's tables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from omnistock.domain.ids import ChannelId, ChannelKind, Sku, WarehouseId
from omnistock.domain.inventory import Reservation, StockLevel
from omnistock.domain.listing import Listing
from omnistock.domain.policy import Policy, PolicyRule, PolicyScope, Strategy, VelocityLimits
from omnistock.domain.product import Product, VatRate
from omnistock.service.ports import ChannelAccount

__all__ = [
    "channel_from_row",
    "level_from_row",
    "listing_from_row",
    "listing_to_row",
    "policy_from_json",
    "policy_to_json",
    "product_from_row",
    "product_to_row",
    "reservation_from_row",
    "rule_from_row",
    "to_utc",
    "utc",
]


def utc(value: datetime | None) -> datetime | None:
    """A stored datetime as aware UTC (SQLite gives naive values, stored in UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC for storage."""
    return value.astimezone(UTC)


def product_to_row(product: Product) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "ean": product.ean,
        "vat": product.vat.value,
        "unit": product.unit,
        "price_gross": product.price_gross,
        "group_name": product.group,
    }


def product_from_row(row: Any) -> Product:
    return Product(
        sku=Sku(row.sku),
        name=row.name,
        ean=row.ean,
        vat=VatRate(row.vat),
        unit=row.unit,
        price_gross=Decimal(row.price_gross).quantize(Decimal("0.01")),
        group=row.group_name,
    )


def channel_from_row(row: Any) -> ChannelAccount:
    return ChannelAccount(name=ChannelId(row.name), kind=ChannelKind(row.kind))


def listing_to_row(listing: Listing) -> dict[str, Any]:
    observed = listing.observed_at
    return {
        "channel": listing.channel,
        "offer_id": listing.offer_id,
        "sku": listing.sku,
        "desired": listing.desired,
        "last_pushed": listing.last_pushed,
        "observed_at": to_utc(observed) if observed else None,
    }


def listing_from_row(row: Any) -> Listing:
    return Listing(
        channel=ChannelId(row.channel),
        sku=Sku(row.sku),
        offer_id=row.offer_id,
        desired=row.desired,
        last_pushed=row.last_pushed,
        observed_at=utc(row.observed_at),
    )


def level_from_row(row: Any) -> StockLevel:
    return StockLevel(sku=Sku(row.sku), warehouse=WarehouseId(row.warehouse), on_hand=row.on_hand)


def reservation_from_row(row: Any) -> Reservation:
    return Reservation(
        sku=Sku(row.sku), quantity=row.quantity, order_ref=row.order_ref, open=bool(row.open)
    )


def policy_to_json(policy: Policy) -> str:
    """A policy as JSON text; decimals as strings so nothing is rounded."""
    limits = policy.velocity
    body = {
        "strategy": policy.strategy.value,
        "shares": {str(ch): str(share) for ch, share in sorted(policy.shares.items())},
        "reserve": str(policy.reserve),
        "buffer": policy.buffer,
        "resume_margin": policy.resume_margin,
        "max_listed": {str(ch): cap for ch, cap in sorted(policy.max_listed.items())},
        "velocity": {
            "floor": str(limits.floor),
            "ceiling": str(limits.ceiling),
            "max_step": str(limits.max_step),
            "half_life_days": str(limits.half_life_days),
        },
    }
    return json.dumps(body, sort_keys=True)


def policy_from_json(text: str) -> Policy:
    body = json.loads(text)
    limits: Mapping[str, str] = body.get("velocity", {})
    return Policy(
        strategy=Strategy(body["strategy"]),
        shares={ChannelId(ch): Decimal(v) for ch, v in body.get("shares", {}).items()},
        reserve=Decimal(body.get("reserve", "0")),
        buffer=int(body.get("buffer", 0)),
        resume_margin=int(body.get("resume_margin", 0)),
        max_listed={ChannelId(ch): int(v) for ch, v in body.get("max_listed", {}).items()},
        velocity=VelocityLimits(**{k: Decimal(v) for k, v in limits.items()}),
    )


def rule_from_row(row: Any) -> PolicyRule:
    return PolicyRule(scope=PolicyScope(row.scope), key=row.key, policy=policy_from_json(row.body))
