"""Identifier types shared by the whole domain."""

from __future__ import annotations

from enum import StrEnum
from typing import NewType

__all__ = ["DEFAULT_WAREHOUSE", "ChannelId", "ChannelKind", "Sku", "WarehouseId"]

Sku = NewType("Sku", str)
"""Stock keeping unit: the seller's own product code."""

ChannelId = NewType("ChannelId", str)
"""Name of one channel account, e.g. ``allegro-main`` or ``shop``."""

WarehouseId = NewType("WarehouseId", str)
"""Name of one warehouse, e.g. ``main``."""

DEFAULT_WAREHOUSE = WarehouseId("main")


class ChannelKind(StrEnum):
    """The kinds of sales channel omnistock can push to."""

    ALLEGRO = "allegro"
    WOOCOMMERCE = "woocommerce"
    AMAZON = "amazon"
    META = "meta"
