"""Repository of orders, their lines, import cursors, the quarantine and incidents.

``OrderUnitOfWork`` is ``SqlUnitOfWork`` plus ``orders`` on the same connection, so an import
writes orders, reservations, ledger movements, listings and its cursor in one transaction.

``claim`` is the idempotency point: ``INSERT … ON CONFLICT DO NOTHING`` on
``(channel, external_id)``, then the row read ``FOR UPDATE`` (PostgreSQL; SQLite holds the
database write lock after the insert), so two importers of the same order serialise.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Self

from sqlalchemy import Connection, delete, insert, select, update

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import (
    Incident,
    IncidentKind,
    IncidentState,
    Occurrence,
    record,
)
from omnistock.domain.orders import OrderLine, OrderStatus
from omnistock.store.incident_repository import incident_from_row, incident_to_row
from omnistock.store.invoice_repository import SqlInvoiceRepository
from omnistock.store.order_tables import (
    incidents,
    order_cursors,
    order_lines,
    order_quarantine,
    orders,
)
from omnistock.store.rows import utc as _utc
from omnistock.store.sql import insert_ignore, upsert
from omnistock.store.tables import listings
from omnistock.store.unit_of_work import SqlUnitOfWork

__all__ = ["SEALED", "OrderUnitOfWork", "SqlOrderRepository", "StoredOrder"]

DELIVERY_VAT = "23"
SEALED = ("buyer_name", "delivery_address", "invoice_address", "buyer_email", "buyer_phone")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredOrder:
    """An order row (personal data still sealed)."""

    id: int
    channel: ChannelId
    external_id: str
    status: OrderStatus | None
    channel_status: str | None
    unlinked: bool
    merged: bool
    invoice_requested: bool
    channel_updated_at: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    sealed: dict[str, str | None]
    lines: tuple[OrderLine, ...] = ()
    paid_at: datetime | None = None

    @property
    def has_personal(self) -> bool:
        return any(v is not None for v in self.sealed.values())

    @classmethod
    def from_row(cls, row: Any, lines: Sequence[OrderLine]) -> StoredOrder:
        return cls(
            id=row.id,
            channel=ChannelId(row.channel),
            external_id=row.external_id,
            status=OrderStatus(row.status) if row.status else None,
            channel_status=row.channel_status,
            unlinked=bool(row.unlinked),
            merged=bool(row.merged),
            invoice_requested=bool(row.invoice_requested),
            channel_updated_at=_utc(row.channel_updated_at),
            first_seen_at=_utc(row.first_seen_at) or datetime.min.replace(tzinfo=UTC),
            last_seen_at=_utc(row.last_seen_at) or datetime.min.replace(tzinfo=UTC),
            sealed={name: row._mapping[name] for name in SEALED},
            lines=tuple(lines),
            paid_at=_utc(row.paid_at),
        )


class SqlOrderRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def claim(self, channel: ChannelId, external_id: str, *, now: datetime) -> StoredOrder:
        """The row of ``(channel, external_id)``, created if new, locked for this transaction."""
        insert_ignore(
            self._conn,
            orders,
            {
                "channel": channel,
                "external_id": external_id,
                "first_seen_at": now,
                "last_seen_at": now,
            },
        )
        c = orders.c
        query = select(orders).where(c.channel == channel, c.external_id == external_id)
        row = self._conn.execute(query.with_for_update()).one()
        return StoredOrder.from_row(row, self._lines(row.id))

    def save(self, order_id: int, values: dict[str, Any], lines: Sequence[OrderLine]) -> None:
        """Update the order's columns and replace its lines."""
        self._conn.execute(update(orders).where(orders.c.id == order_id).values(**values))
        self._conn.execute(delete(order_lines).where(order_lines.c.order_id == order_id))
        if lines:
            self._conn.execute(
                insert(order_lines),
                [
                    {
                        "order_id": order_id,
                        "line_id": line.line_id,
                        "offer_id": line.offer_id,
                        "sku": line.sku,
                        "quantity": line.quantity,
                        "unit_gross": line.unit_gross,
                        "currency": line.currency,
                    }
                    for line in lines
                ],
            )

    def set_invoice_terms(
        self, order_id: int, *, currency: str, delivery_gross: Decimal | None
    ) -> None:
        """The sale's currency and gross delivery cost for invoicing (``invoice_order_terms``).

        Delivery is taxed at the standard rate (23%), the default the invoice builder assumes.
        """
        vat = DELIVERY_VAT if delivery_gross else None
        SqlInvoiceRepository(self._conn).set_terms(
            order_id, currency=currency, delivery_gross=delivery_gross, delivery_vat=vat
        )

    def mark_merged(self, channel: ChannelId, external_id: str, *, now: datetime) -> bool:
        """Flag an order whose id the channel no longer knows (merged into another)."""
        c = orders.c
        result = self._conn.execute(
            update(orders)
            .where(c.channel == channel, c.external_id == external_id, c.merged.is_(False))
            .values(merged=True, last_seen_at=now)
        )
        return bool(result.rowcount)

    def absorb(self, channel: ChannelId, order_id: int, line_ids: Collection[str]) -> int:
        """Flag as merged the other orders of ``channel`` holding any of ``line_ids``.

        Allegro keeps line-item ids when a buyer pays several purchases together; the old
        checkout forms disappear (404) without an event of their own.
        """
        if not line_ids:
            return 0
        owners = select(order_lines.c.order_id).where(order_lines.c.line_id.in_(sorted(line_ids)))
        c = orders.c
        result = self._conn.execute(
            update(orders)
            .where(
                c.channel == channel,
                c.id != order_id,
                c.merged.is_(False),
                c.id.in_(owners),
            )
            .values(merged=True)
        )
        return int(result.rowcount or 0)

    def _lines(self, order_id: int) -> list[OrderLine]:
        c = order_lines.c
        rows = self._conn.execute(
            select(order_lines).where(c.order_id == order_id).order_by(c.line_id)
        )
        return [
            OrderLine(
                line_id=r.line_id,
                offer_id=r.offer_id,
                quantity=r.quantity,
                sku=Sku(r.sku) if r.sku else None,
                unit_gross=r.unit_gross,
                currency=r.currency,
            )
            for r in rows
        ]

    def get(self, order_id: int) -> StoredOrder | None:
        row = self._conn.execute(select(orders).where(orders.c.id == order_id)).first()
        return StoredOrder.from_row(row, self._lines(row.id)) if row else None

    def find(self, channel: ChannelId, external_id: str) -> StoredOrder | None:
        c = orders.c
        query = select(orders).where(c.channel == channel, c.external_id == external_id)
        row = self._conn.execute(query).first()
        return StoredOrder.from_row(row, self._lines(row.id)) if row else None

    def list_orders(self, channel: ChannelId | None = None, limit: int = 1000) -> list[StoredOrder]:
        query = select(orders).order_by(orders.c.id).limit(limit)
        if channel is not None:
            query = query.where(orders.c.channel == channel)
        return [StoredOrder.from_row(r, self._lines(r.id)) for r in self._conn.execute(query)]

    def offer_skus(self, channel: ChannelId, offer_ids: Collection[str]) -> dict[str, Sku]:
        """The SKU linked to each offer id of ``channel`` (unlinked offers are absent)."""
        c = listings.c
        query = select(c.offer_id, c.sku).where(
            c.channel == channel, c.offer_id.in_(sorted(set(offer_ids)))
        )
        return {r.offer_id: Sku(r.sku) for r in self._conn.execute(query)}

    def cursor(self, channel: ChannelId, feed: str) -> str | None:
        c = order_cursors.c
        query = select(c.cursor).where(c.channel == channel, c.feed == feed)
        return self._conn.execute(query).scalar()

    def set_cursor(self, channel: ChannelId, feed: str, cursor: str, *, now: datetime) -> None:
        row = {"channel": channel, "feed": feed, "cursor": cursor, "updated_at": now}
        upsert(self._conn, order_cursors, [row], keys=["channel", "feed"])

    def quarantine(
        self, channel: ChannelId, external_id: str | None, reason: str, *, now: datetime
    ) -> int:
        """A new quarantine row without its payload (sealed to this id next); its id."""
        stmt = insert(order_quarantine).values(
            channel=channel,
            external_id=external_id[:200] if external_id else None,
            reason=reason,
            received_at=now,
        )
        return int(self._conn.execute(stmt.returning(order_quarantine.c.id)).scalar_one())

    def set_quarantined(self, quarantine_id: int, sealed: dict[str, str | None]) -> None:
        """Store the sealed payload (and its look-up hashes) of a quarantine row."""
        c = order_quarantine.c
        self._conn.execute(update(order_quarantine).where(c.id == quarantine_id).values(sealed))

    def quarantined(self, channel: ChannelId | None = None) -> list[dict[str, Any]]:
        query = select(order_quarantine).order_by(order_quarantine.c.id)
        if channel is not None:
            query = query.where(order_quarantine.c.channel == channel)
        return [dict(r._mapping) for r in self._conn.execute(query)]

    def record_incident(self, occurrence: Occurrence, *, now: datetime) -> Incident:
        """Fold an occurrence into its open incident (or open one) and store it."""
        c = incidents.c
        row = self._conn.execute(
            select(incidents)
            .where(c.key == occurrence.key, c.state != IncidentState.RESOLVED.value)
            .order_by(c.first_seen.desc())
            .with_for_update()
        ).first()
        incident = record(incident_from_row(row) if row else None, occurrence, now)
        upsert(self._conn, incidents, [incident_to_row(incident)], keys=["id"])
        return incident

    def incidents(self, kind: IncidentKind | None = None) -> list[Incident]:
        query = select(incidents).order_by(incidents.c.first_seen, incidents.c.id)
        if kind is not None:
            query = query.where(incidents.c.kind == kind.value)
        return [incident_from_row(r) for r in self._conn.execute(query)]


class OrderUnitOfWork(SqlUnitOfWork):
    """``SqlUnitOfWork`` with ``orders`` on the same connection and transaction."""

    orders: SqlOrderRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.orders = SqlOrderRepository(self.connection)
        return self
