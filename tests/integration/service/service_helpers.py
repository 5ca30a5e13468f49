"""Builders shared by the service integration tests."""

from __future__ import annotations

from collections.abc import Callable

from db_helpers import T0, race

from omnistock.domain.ids import ChannelKind
from omnistock.store.unit_of_work import SqlUnitOfWork

__all__ = ["CHANNELS", "PRODUCTS", "T0", "Uow", "desired", "race"]

Uow = Callable[[], SqlUnitOfWork]

CHANNELS = {"allegro": ChannelKind.ALLEGRO, "shop": ChannelKind.WOOCOMMERCE}

PRODUCTS = """sku,name,ean,vat,price,group
A,Kubek,5901234123457,23,19.99,kuchnia
B,Talerz,,8,12.50,kuchnia
C,Świeca,,23,9.00,
D,Miska,,23,15.00,kuchnia
"""


def desired(uow: Uow) -> dict[tuple[str, str], int | None]:
    """``(channel, sku) → desired`` of every listing."""
    with uow() as u:
        return {(lst.channel, lst.sku): lst.desired for lst in u.listings.list()}
