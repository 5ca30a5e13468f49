"""Orders: the state machine, channel status mapping and the stock effects of a transition."""

from omnistock.domain.orders.effects import EffectKind, LineEffect, consume_key, order_effects
from omnistock.domain.orders.mapping import allegro_status, channel_status
from omnistock.domain.orders.order import (
    Address,
    ObservedOrder,
    OrderLine,
    PersonalData,
    UnknownOrder,
    line_ref,
)
from omnistock.domain.orders.state import ACTIVE, OrderStatus, advance

__all__ = [
    "ACTIVE",
    "Address",
    "EffectKind",
    "LineEffect",
    "ObservedOrder",
    "OrderLine",
    "OrderStatus",
    "PersonalData",
    "UnknownOrder",
    "advance",
    "allegro_status",
    "channel_status",
    "consume_key",
    "line_ref",
    "order_effects",
]
