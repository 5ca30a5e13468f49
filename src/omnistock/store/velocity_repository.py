"""Repository of the ``velocity`` strategy's inputs: recent sales per channel and the last shares.

``recent_sales`` is one grouped query over the imported order lines (per SKU, channel account and
hour; cancelled and returned orders left out), not one query per SKU: a sale counts at the middle
of its hour, which moves its exponential weight by at most half an hour of decay.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Integer, cast, func, literal_column, or_, select

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.velocity import Sale
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.rows import to_utc
from omnistock.store.sql import chunks, upsert
from omnistock.store.velocity_tables import velocity_shares

__all__ = ["SqlVelocityRepository"]

_HOUR = 3600
_LEFT_OUT = ("cancelled", "returned")


class SqlVelocityRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def recent_sales(
        self, skus: Collection[Sku] | None, *, since: datetime
    ) -> dict[Sku, list[Sale]]:
        """Units sold per SKU, channel account and hour since ``since`` (``None`` = all SKUs)."""
        found: dict[Sku, list[Sale]] = {}
        for sku, channel, hour, units in self._sales_rows(skus, since):
            if units and int(units) > 0:
                at = datetime.fromtimestamp(int(hour) * _HOUR + _HOUR // 2, tz=UTC)
                sale = Sale(channel=ChannelId(channel), quantity=int(units), at=at)
                found.setdefault(Sku(sku), []).append(sale)
        return found

    def _sales_rows(self, skus: Collection[Sku] | None, since: datetime) -> Iterator[Any]:
        o, line = orders.c, order_lines.c
        hour = self._hour(o.first_seen_at)
        query = (
            select(line.sku, o.channel, hour, func.sum(line.quantity))
            .select_from(order_lines.join(orders, o.id == line.order_id))
            .where(
                line.sku.is_not(None),
                o.first_seen_at >= to_utc(since),
                or_(o.status.is_(None), o.status.not_in(_LEFT_OUT)),
            )
            .group_by(line.sku, o.channel, hour)
        )
        if skus is None:
            yield from self._conn.execute(query)
            return
        for part in chunks(set(skus)):
            yield from self._conn.execute(query.where(line.sku.in_(part)))

    def _hour(self, column: Any) -> Any:
        """Hours since the epoch of a timestamp column, as an integer, on either database."""
        if self._conn.dialect.name == "postgresql":
            epoch = func.extract("epoch", column)
            return cast(func.floor(epoch / literal_column(str(_HOUR))), Integer)
        seconds = cast(func.strftime("%s", column), Integer)
        return seconds.op("/")(literal_column(str(_HOUR)))  # integer division on SQLite

    def shares(self, skus: Collection[Sku] | None) -> dict[Sku, dict[ChannelId, Decimal]]:
        """The last stored shares per SKU and channel account (``None`` = all SKUs)."""
        c = velocity_shares.c
        query = select(c.sku, c.channel, c.share)
        parts = [None] if skus is None else list(chunks(set(skus)))
        found: dict[Sku, dict[ChannelId, Decimal]] = {}
        for part in parts:
            rows = self._conn.execute(query if part is None else query.where(c.sku.in_(part)))
            for sku, channel, share in rows:
                found.setdefault(Sku(sku), {})[ChannelId(channel)] = Decimal(share)
        return found

    def set_shares(
        self, shares: Mapping[Sku, Mapping[ChannelId, Decimal]], *, at: datetime
    ) -> None:
        """Store the shares of each SKU given (one row per SKU and channel account)."""
        stamp = to_utc(at)
        rows = [
            {"sku": sku, "channel": channel, "share": share, "updated_at": stamp}
            for sku, by_channel in sorted(shares.items())
            for channel, share in sorted(by_channel.items())
        ]
        for part in chunks(rows):
            upsert(self._conn, velocity_shares, part, keys=["sku", "channel"])
