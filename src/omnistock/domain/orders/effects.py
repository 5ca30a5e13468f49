"""What a change of an order does to stock, as values the service applies.

- a line becoming active (new, paid, ready) **reserves** its units (a kit its components);
- leaving the active states **releases** them;
- reaching ``shipped`` (or ``returned`` straight from an active state) **consumes** them: an
  on-hand decrease in the ledger, keyed per line and SKU so it happens once;
- a line that vanished from an active order is released, a line that appeared is reserved;
- unlinked lines (no SKU) have no effect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from omnistock.domain.bundles import Bundle, component_needs
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.orders.order import OrderLine, line_ref
from omnistock.domain.orders.state import ACTIVE, OrderStatus

__all__ = ["EffectKind", "LineEffect", "consume_key", "order_effects"]


class EffectKind(StrEnum):
    RESERVE = "reserve"
    RELEASE = "release"
    CONSUME = "consume"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineEffect:
    """One effect on one order line: ``needs`` = units of each stocked SKU."""

    kind: EffectKind
    ref: str
    needs: tuple[tuple[Sku, int], ...]


def consume_key(ref: str, sku: Sku) -> str:
    """The ledger idempotency key of a shipped line's decrease of ``sku``."""
    return f"ship:{ref}:{sku}"


def _effect(
    kind: EffectKind, channel: ChannelId, line: OrderLine, bundles: Mapping[Sku, Bundle]
) -> LineEffect | None:
    if line.sku is None:
        return None
    needs = component_needs(line.sku, line.quantity, bundles)
    return LineEffect(
        kind=kind, ref=line_ref(channel, line.line_id), needs=tuple(sorted(needs.items()))
    )


def _kinds(before: OrderStatus | None, after: OrderStatus) -> list[EffectKind]:
    was, now = before in ACTIVE, after in ACTIVE
    kinds = []
    if now and not was:
        kinds.append(EffectKind.RESERVE)
    if was and not now:
        kinds.append(EffectKind.RELEASE)
    gone = before in (OrderStatus.SHIPPED, OrderStatus.RETURNED, OrderStatus.CANCELLED)
    ships = after is OrderStatus.SHIPPED or (after is OrderStatus.RETURNED and was)
    if ships and not gone:
        kinds.append(EffectKind.CONSUME)
    return kinds


def order_effects(
    channel: ChannelId,
    before: OrderStatus | None,
    after: OrderStatus,
    old_lines: Sequence[OrderLine],
    new_lines: Sequence[OrderLine],
    bundles: Mapping[Sku, Bundle],
) -> list[LineEffect]:
    """The effects of moving an order from ``before`` + ``old_lines`` to ``after`` + ``new_lines``.

    A line keeps its reservation while it exists with the same SKU (a changed quantity is not
    re-reserved: a reservation reference is used once); a line linked to a SKU after it was
    imported (its offer was unlinked) is reserved then.
    """
    effects = [
        _effect(kind, channel, line, bundles)
        for kind in _kinds(before, after)
        for line in (old_lines if kind is EffectKind.RELEASE and after not in ACTIVE else new_lines)
    ]
    if before in ACTIVE and after in ACTIVE:
        old = {(line.line_id, line.sku): line for line in old_lines}
        new = {(line.line_id, line.sku): line for line in new_lines}
        effects += [
            _effect(EffectKind.RELEASE, channel, line, bundles)
            for key, line in old.items()
            if key not in new
        ]
        effects += [
            _effect(EffectKind.RESERVE, channel, line, bundles)
            for key, line in new.items()
            if key not in old
        ]
    return [e for e in effects if e is not None]
