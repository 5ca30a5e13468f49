"""Repository of listings: links of SKUs to channel offers, and their desired quantities."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, bindparam, case, literal_column, or_, select, update

from omnistock.domain.errors import Duplicate
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.listing import Listing
from omnistock.store.rows import listing_from_row, listing_to_row, to_utc
from omnistock.store.sql import chunks, insert_ignore, raw_rows
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
        # only forward: a writer whose clock is behind (another process or host) must not make
        # the newer value look older than the last push, or the planner would never send it
        observed_at=case(
            (
                or_(
                    listings.c.observed_at.is_(None),
                    listings.c.observed_at < bindparam("b_observed_at"),
                ),
                bindparam("b_observed_at"),
            ),
            else_=listings.c.observed_at,
        ),
        updated_at=bindparam("b_observed_at"),
        version=listings.c.version + literal_column("1"),
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
            rows = raw_rows(self._conn, query if part is None else query.where(c.sku.in_(part)))
            for sku, channel, offer_id, desired in rows:
                result.setdefault(sku, {})[channel] = (offer_id, desired)
        return result

    def set_desired(
        self, changes: Sequence[tuple[ChannelId, str, int]], *, observed_at: datetime
    ) -> int:
        """One ``executemany`` of a pre-compiled ``UPDATE … WHERE desired differs``.

        Runs on the driver directly: per-row parameter processing in SQLAlchemy would cost
        more than the update itself on a full recompute (hundreds of thousands of rows).
        """
        if not changes:
            return 0
        changes = sorted(changes)  # one lock order for concurrent recomputes (PostgreSQL)
        dialect = self._conn.dialect
        compiled = _SET_DESIRED.compile(dialect=dialect)
        process = listings.c.observed_at.type.dialect_impl(dialect).bind_processor(dialect)
        stamp = process(to_utc(observed_at)) if process else to_utc(observed_at)
        order = {"b_channel": 0, "b_offer_id": 1, "b_desired": 2, "b_observed_at": 3}
        names = compiled.positiontup
        params: list[Any]
        if names:
            pick = itemgetter(*(order[n] for n in names))
            params = [pick((ch, offer, qty, stamp)) for ch, offer, qty in changes]
        else:
            params = [
                {"b_channel": ch, "b_offer_id": offer, "b_desired": qty, "b_observed_at": stamp}
                for ch, offer, qty in changes
            ]
        result = self._conn.exec_driver_sql(compiled.string, params)
        return int(result.rowcount)
