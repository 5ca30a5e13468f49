"""Repository of invoices: gap-free numbers, documents, corrections, and the order data to invoice.

``take_number`` is the only way to get a number: one atomic ``INSERT … ON CONFLICT DO UPDATE SET
last_seq = last_seq + 1 … RETURNING last_seq`` on the (seller NIP, series, period) counter, on the
connection of the unit of work that also writes the invoice. The row lock (PostgreSQL) or the
write lock (SQLite) serialises workers until commit; a rollback returns the number (no gap).

``invoices.xml`` holds the buyer's name, NIP and address, so it is stored sealed (privacy
``Sealer``, bytes format, bound to the invoice id): ``add``/``change`` seal it, and
``StoredInvoice.xml`` opens it on access (listing invoices needs no keys); which keys: see
``InvoiceUnitOfWork``. Rows written before sealing (plain XML text after migration
``0010_sealed_invoice_xml``) are read as they are and sealed by ``seal_plain``, which issuing
and correcting call in their transaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, insert, select, update

from omnistock.domain.errors import Duplicate
from omnistock.domain.invoicing import Allocated, NumberSeries
from omnistock.privacy.cipher import is_sealed
from omnistock.privacy.sealing import Sealer
from omnistock.store.invoice_tables import (
    invoice_corrections,
    invoice_counters,
    invoice_order_terms,
    invoices,
)
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.rows import utc as _utc
from omnistock.store.sql import dialect_insert
from omnistock.store.tables import products
from omnistock.store.unit_of_work import SqlUnitOfWork

__all__ = [
    "LOOKUP_HASHES",
    "InvoiceStatus",
    "InvoiceUnitOfWork",
    "OrderSource",
    "SourceLine",
    "SqlInvoiceRepository",
    "StoredInvoice",
]


XML_TABLE = "invoices"
LOOKUP_HASHES = ("buyer_email_hash", "buyer_phone_hash", "buyer_ref_hash")
"""The buyer's keyed look-up hashes, copied from the order (privacy access/erasure requests)."""


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    OFFLINE_PENDING = "offline-pending"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredInvoice:
    """An invoice row; ``xml`` is the exact document sent (or to be sent) to KSeF."""

    id: int
    seller_nip: str
    kind: str
    series: str
    number: str | None
    order_id: int | None
    status: InvoiceStatus
    issue_date: date | None
    currency: str
    gross: Decimal | None
    lines: str | None
    sealed_xml: str | None
    sha256: str | None
    ksef_number: str | None
    ksef_acquired_at: datetime | None
    upo: bytes | None
    error: str | None
    offline_deadline: date | None
    retention_until: datetime | None
    created_at: datetime
    opener: Callable[[int, str], bytes] = field(repr=False, compare=False)

    @property
    def xml(self) -> bytes | None:
        """The exact FA(3) bytes (opened with the privacy keys on each access)."""
        return None if self.sealed_xml is None else self.opener(self.id, self.sealed_xml)

    @classmethod
    def from_row(cls, row: Any, opener: Callable[[int, str], bytes]) -> Self:
        m = row._mapping
        skip = ("status", "sealed_xml", "opener")
        values = {name: m[name] for name in cls.__dataclass_fields__ if name not in skip}
        for name in ("ksef_acquired_at", "retention_until", "created_at"):
            values[name] = _utc(values[name])
        values["upo"] = bytes(m["upo"]) if m["upo"] is not None else None
        return cls(status=InvoiceStatus(m["status"]), sealed_xml=m["xml"], opener=opener,
                   **values)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceLine:
    """One order line joined to its product (``None`` fields: the offer is not linked).

    ``sale_gross``/``sale_currency``: the unit gross price the buyer paid (``None`` for lines
    imported before sale prices were kept); ``price_gross`` is the catalogue price.
    """

    line_id: str
    sku: str | None
    quantity: int
    name: str | None
    ean: str | None
    vat: str | None
    unit: str | None
    price_gross: Decimal | None
    sale_gross: Decimal | None = None
    sale_currency: str | None = None
    group: str | None = None  # the product's group (e.g. what Annex 15 covers)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSource:
    """What invoicing reads of an order (personal columns still sealed, in ``row``)."""

    row: Any
    lines: tuple[SourceLine, ...]
    currency: str
    delivery_gross: Decimal | None
    delivery_vat: str | None


class SqlInvoiceRepository:
    def __init__(self, conn: Connection, sealer: Callable[[], Sealer] | None = None) -> None:
        self._conn = conn
        self._sealer = sealer or env_sealer

    def _seal(self, invoice_id: int, xml: bytes) -> str:
        sealed = self._sealer().seal(XML_TABLE, invoice_id, {"xml": xml})["xml"]
        assert sealed is not None
        return sealed

    def open_xml(self, invoice_id: int, stored: str) -> bytes:
        """The plain XML of a stored value (a row from before sealing is plain XML text)."""
        if not is_sealed(stored):
            return stored.encode("utf-8")
        opened = self._sealer().open(XML_TABLE, invoice_id, {"xml": stored})["xml"]
        assert isinstance(opened, bytes)
        return opened

    def _row(self, row: Any) -> StoredInvoice | None:
        return StoredInvoice.from_row(row, self.open_xml) if row else None

    def seal_plain(self) -> int:
        """Seal every row still holding plain XML (written before sealing); how many.

        The scan reads every stored document, so once it found none on an engine it is not
        repeated in this process: nothing writes plain XML any more (``add``/``change`` seal).
        """
        engine = self._conn.engine
        if _ALL_SEALED.get(engine):
            return 0
        rows = self._conn.execute(select(invoices.c.id, invoices.c.xml).where(
            invoices.c.xml.is_not(None), invoices.c.xml.not_like("v1:%"))).all()  # fmt: skip
        plain = [(r.id, r.xml) for r in rows if not is_sealed(r.xml)]
        for invoice_id, xml in plain:
            self.change(invoice_id, {"xml": xml.encode("utf-8")})
        if not plain:
            _ALL_SEALED[engine] = True
        return len(plain)

    def take_number(self, series: NumberSeries, seller_nip: str, issue_date: date) -> Allocated:
        """The next number of the series' counter, in this transaction (never ``max()+1``)."""
        period = series.period(issue_date)
        key = {"seller_nip": seller_nip, "series": series.name, "period": period}
        stmt = dialect_insert(self._conn, invoice_counters).values(**key, last_seq=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key),
            set_={"last_seq": invoice_counters.c.last_seq + 1},
        ).returning(invoice_counters.c.last_seq)
        seq = int(self._conn.execute(stmt).scalar_one())
        return Allocated(number=series.format(issue_date, seq), period=period, seq=seq)

    def add(self, values: dict[str, Any]) -> int:
        """Insert an invoice; ``Duplicate`` if another worker already wrote this order's.

        ``values["xml"]`` is the plain XML (bytes): it is sealed to the new row's id.
        """
        plain = {k: v for k, v in values.items() if k != "xml"}
        stmt = dialect_insert(self._conn, invoices).values(**plain)
        if values.get("order_id") is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=["order_id"])
        new_id = self._conn.execute(stmt.returning(invoices.c.id)).scalar()
        if new_id is None:
            raise Duplicate(f"order {values['order_id']} already has an invoice", field="order_id")
        if values.get("xml") is not None:
            self.change(int(new_id), {"xml": values["xml"]})
        return int(new_id)

    def change(self, invoice_id: int, values: dict[str, Any]) -> None:
        """Update columns; a plain ``xml`` (bytes) is sealed first."""
        if values.get("xml") is not None:
            values = values | {"xml": self._seal(invoice_id, values["xml"])}
        self._conn.execute(update(invoices).where(invoices.c.id == invoice_id).values(**values))

    def link_correction(self, invoice_id: int, corrected_id: int, reason: str, kind: int) -> None:
        """Link a correction to the document it corrects; it takes that buyer's look-up hashes."""
        row = {"invoice_id": invoice_id, "corrected_id": corrected_id, "reason": reason}
        self._conn.execute(insert(invoice_corrections).values(**row, correction_type=kind))
        src = invoices.alias("src")
        copied = {
            name: select(src.c[name]).where(src.c.id == corrected_id).scalar_subquery()
            for name in LOOKUP_HASHES
        }
        self._conn.execute(update(invoices).where(invoices.c.id == invoice_id).values(copied))

    def get(self, invoice_id: int, *, lock: bool = False) -> StoredInvoice | None:
        query = select(invoices).where(invoices.c.id == invoice_id)
        row = self._conn.execute(query.with_for_update() if lock else query).first()
        return self._row(row)

    def by_number(self, number: str) -> StoredInvoice | None:
        query = select(invoices).where(invoices.c.number == number)
        row = self._conn.execute(query).first()
        return self._row(row)

    def for_order(self, order_id: int, *, lock: bool = False) -> StoredInvoice | None:
        query = select(invoices).where(invoices.c.order_id == order_id)
        row = self._conn.execute(query.with_for_update() if lock else query).first()
        return self._row(row)

    def listing(
        self, statuses: tuple[InvoiceStatus, ...] = (), limit: int = 1000
    ) -> list[StoredInvoice]:
        query = select(invoices).order_by(invoices.c.id).limit(limit)
        if statuses:
            query = query.where(invoices.c.status.in_([s.value for s in statuses]))
        return [StoredInvoice.from_row(r, self.open_xml) for r in self._conn.execute(query)]

    def due_orders(
        self,
        statuses: Collection[str],
        *,
        retry_drafts_before: datetime,
        seen_since: datetime | None = None,
        limit: int = 500,
    ) -> list[int]:
        """Ids of orders that want an invoice (``invoice_requested``: a NIP was given or an
        invoice asked for) in one of ``statuses``, not merged away, without an invoice — or with a
        draft last tried before ``retry_drafts_before``; oldest first."""
        o, i = orders.c, invoices.c
        query = (
            select(o.id)
            .select_from(orders.outerjoin(invoices, i.order_id == o.id))
            .where(o.invoice_requested.is_(True), o.merged.is_(False), o.status.in_(statuses))
            .where(
                i.id.is_(None)
                | ((i.status == InvoiceStatus.DRAFT.value) & (i.updated_at < retry_drafts_before))
            )
            .order_by(o.id)
            .limit(limit)
        )
        if seen_since is not None:
            query = query.where(o.first_seen_at >= seen_since)
        return [int(r) for r in self._conn.execute(query).scalars()]

    def closed_uncorrected(
        self, statuses: Collection[str], limit: int = 500
    ) -> list[tuple[int, str]]:
        """``(invoice id, order status)`` of VAT invoices in KSeF whose order is now in
        ``statuses`` (cancelled, returned) and that have no correction yet; oldest first."""
        o, i, c = orders.c, invoices.c, invoice_corrections.c
        corrected = select(c.invoice_id).where(c.corrected_id == i.id).exists()
        query = (
            select(i.id, o.status)
            .select_from(invoices.join(orders, o.id == i.order_id))
            .where(o.status.in_(statuses), i.kind == "VAT", i.ksef_number.is_not(None))
            .where(~corrected)
            .order_by(i.id)
            .limit(limit)
        )
        return [(int(r.id), str(r.status)) for r in self._conn.execute(query)]

    def claim_for_send(
        self, invoice_ids: Collection[int], *, now: datetime, stale_before: datetime
    ) -> set[int]:
        """Mark ``sent`` (at ``now``) those of ``invoice_ids`` still waiting to be sent — issued,
        offline-pending, or ``sent`` before ``stale_before`` (a sender that died) — and return
        them: another worker sending the same invoice at the same time gets none of them."""
        if not invoice_ids:
            return set()
        c = invoices.c
        waiting = c.status.in_([InvoiceStatus.ISSUED.value, InvoiceStatus.OFFLINE_PENDING.value])
        stale = (c.status == InvoiceStatus.SENT.value) & (c.updated_at < stale_before)
        stmt = (
            update(invoices)
            .where(c.id.in_(sorted(invoice_ids)), waiting | stale)
            .values(status=InvoiceStatus.SENT.value, updated_at=now)
            .returning(c.id)
        )
        return {int(r) for r in self._conn.execute(stmt).scalars()}

    def corrected_by(self, invoice_id: int) -> tuple[int, str, int] | None:
        """``(corrected id, reason, type)`` when ``invoice_id`` is a correction."""
        c = invoice_corrections.c
        row = self._conn.execute(
            select(c.corrected_id, c.reason, c.correction_type).where(c.invoice_id == invoice_id)
        ).first()
        return (int(row[0]), str(row[1]), int(row[2])) if row else None

    def latest_correction(self, invoice_id: int) -> int | None:
        """The newest correction of ``invoice_id`` (corrections of corrections follow the chain)."""
        c = invoice_corrections.c
        query = select(c.invoice_id).where(c.corrected_id == invoice_id)
        newest = self._conn.execute(query.order_by(c.invoice_id.desc())).scalar()
        return int(newest) if newest is not None else None

    def order_source(self, order_id: int) -> OrderSource | None:
        row = self._conn.execute(select(orders).where(orders.c.id == order_id)).first()
        if row is None:
            return None
        terms = self._conn.execute(
            select(invoice_order_terms).where(invoice_order_terms.c.order_id == order_id)
        ).first()
        return OrderSource(
            row=row,
            lines=self._source_lines(order_id),
            currency=terms.currency if terms else "PLN",
            delivery_gross=terms.delivery_gross if terms else None,
            delivery_vat=terms.delivery_vat if terms else None,
        )

    def _source_lines(self, order_id: int) -> tuple[SourceLine, ...]:
        ol, p = order_lines.c, products.c
        query = (
            select(
                *(ol.line_id, ol.sku, ol.quantity, p.name, p.ean, p.vat, p.unit, p.price_gross),
                ol.unit_gross.label("sale_gross"),
                ol.currency.label("sale_currency"),
                p.group_name.label("group"),
            )
            .select_from(order_lines.outerjoin(products, p.sku == ol.sku))
            .where(ol.order_id == order_id)
            .order_by(ol.line_id)
        )
        return tuple(SourceLine(**r._mapping) for r in self._conn.execute(query))

    def mark_order_invoiced(self, order_id: int, now: datetime) -> None:
        """Set ``orders.invoiced_at`` (the date privacy retention reads) unless already set."""
        c = orders.c
        stmt = update(orders).where(c.id == order_id, c.invoiced_at.is_(None))
        self._conn.execute(stmt.values(invoiced_at=now))

    def set_terms(
        self,
        order_id: int,
        *,
        currency: str,
        delivery_gross: Decimal | None,
        delivery_vat: str | None,
    ) -> None:
        """Record an order's invoicing terms (currency, delivery cost) — upsert."""
        values = {
            "currency": currency,
            "delivery_gross": delivery_gross,
            "delivery_vat": delivery_vat,
        }
        stmt = dialect_insert(self._conn, invoice_order_terms).values(order_id=order_id, **values)
        self._conn.execute(stmt.on_conflict_do_update(index_elements=["order_id"], set_=values))


class InvoiceUnitOfWork(SqlUnitOfWork):
    """``SqlUnitOfWork`` plus ``invoices`` on the same connection and transaction.

    ``sealer``: the privacy keys sealing ``invoices.xml``. Default: the keys last given to
    ``use_sealer`` for this engine in this process (``issue_for_order`` gives its own), else the
    environment's, loaded on first need — pass it when the keys come from ``[privacy] key_file``.
    """

    invoices: SqlInvoiceRepository

    def __init__(self, engine: Engine, sealer: Sealer | None = None) -> None:
        super().__init__(engine)
        self.sealer = sealer

    def use_sealer(self, sealer: Sealer) -> None:
        """Use these keys unless the unit of work was given its own; later units of work on the
        same engine in this process default to them too (before the environment's)."""
        if self.sealer is None:
            self.sealer = sealer
        _REMEMBERED[self.engine] = self.sealer

    def _keys(self) -> Sealer:
        if self.sealer is None:
            self.sealer = _REMEMBERED.get(self.engine) or env_sealer()
        return self.sealer

    def __enter__(self) -> Self:
        super().__enter__()
        self.invoices = SqlInvoiceRepository(self.connection, self._keys)
        return self


_REMEMBERED: WeakKeyDictionary[Engine, Sealer] = WeakKeyDictionary()
_ALL_SEALED: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def env_sealer() -> Sealer:
    """A sealer with the environment's privacy keys (``KeyConfigError`` if none)."""
    return Sealer.from_env(os.environ)
