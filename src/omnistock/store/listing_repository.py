"""Repository of listings: links of SKUs to channel offers, and their desired quantities."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Connection, bindparam, or_, select, update

from omnistock.domain.errors import Duplicate
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.listing import Listing
from omnistock.service.ports import DesiredChange
from omnistock.store.rows import listing_from_row, listing_to_row, to_utc
from omnistock.store.sql import chunks, insert_ignore
from omnistock.store.tables import listings

__all__ = ["SqlListingRepository"]

Desired = dict[Sku, dict[ChannelId, tuple[str, int | None]]]

_SET_DESIRED = (
    update(listings)
    .where(
        listings.c.channel == bindparam("b_channel"),
        listings.c.offer_id == bindparam("b_offer_id"),
        or_(listings.c.desired.is_(None), listings.c.desired != bindparam("b_desired")),
    )
    .values(
        desired=bindparam("b_desired"),
        observed_at=bindparam("b_observed_at"),
        updated_at=bindparam("b_observed_at"),
        version=listings.c.version + 1,
    )
)


class SqlListingRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, listing: Listing) -> None:
        """Insert; linking the same offer to the same SKU again changes nothing."""
        if insert_ignore(self._conn, listings, listing_to_row(listing)):
            return
        c = listings.c
        query = select(c.offer_id).where(c.channel == listing.channel, c.sku == listing.sku)
        offer = self._conn.execute(query).scalar()
        if offer == listing.offer_id:
            return
        if offer is not None:
            raise Duplicate(
                f"{listing.sku} is already listed on {listing.channel} as {offer!r}", field="sku"
            )
        raise Duplicate(
            f"offer {listing.offer_id!r} on {listing.channel} belongs to another SKU",
            field="offer_id",
        )

    def list(self, channel: ChannelId | None = None) -> list[Listing]:
        query = select(listings).order_by(listings.c.channel, listings.c.sku)
        if channel is not None:
            query = query.where(listings.c.channel == channel)
        return [listing_from_row(row) for row in self._conn.execute(query)]

    def desired(self, skus: Collection[Sku] | None) -> Desired:
        c = listings.c
        query = select(c.sku, c.channel, c.offer_id, c.desired)
        result: Desired = {}
        parts: list[list[Sku] | None] = [None] if skus is None else list(chunks(set(skus)))
        for part in parts:
            rows = self._conn.execute(query if part is None else query.where(c.sku.in_(part)))
            for sku, channel, offer_id, desired in rows:
                result.setdefault(sku, {})[channel] = (offer_id, desired)
        return result

    def set_desired(self, changes: Sequence[DesiredChange]) -> int:
        if not changes:
            return 0
        params = [
            {
                "b_channel": ch.channel,
                "b_offer_id": ch.offer_id,
                "b_desired": ch.desired,
                "b_observed_at": to_utc(ch.observed_at),
            }
            for ch in changes
        ]
        result = self._conn.execute(_SET_DESIRED, params)
        return int(result.rowcount)
