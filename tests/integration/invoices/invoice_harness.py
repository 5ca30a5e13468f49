"""Orders written straight into the order tables (sealed personal data), and invoicing settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine, insert, select, update

from omnistock.domain.incidents import Incident
from omnistock.domain.orders import Address, PersonalData
from omnistock.privacy.keys import Keyring
from omnistock.privacy.sealing import Sealer
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.order_privacy import PrivacySealer
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.order_tables import incidents, order_lines, orders
from omnistock.store.tables import products

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SELLER_NIP = "5261040828"
BUYER_NIP = "7740001454"
CONFIG = InvoicingConfig.from_section(
    {
        "nip": SELLER_NIP,
        "name": "Przykładowy Sklep sp. z o.o.",
        "address": ["ul. Prosta 1", "00-001 Warszawa"],
        "bank_account": "PL61109010140000071219812874",
    }
)
COMPANY = PersonalData(
    name="Jan Kowalski",
    invoice=Address(
        company="Żółta Łódź sp. z o.o.",
        street="ul. Długa 5",
        city="Gdańsk",
        post_code="80-001",
        country="pl",
    ),
    nip=BUYER_NIP,
)
CONSUMER = PersonalData(
    name="Zofia Źdźbło",
    delivery=Address(name="Zofia Źdźbło", street="ul. Krótka 2", city="Kraków", post_code="30-001"),
)


def make_sealer() -> PrivacySealer:
    keyring = Keyring(active="t1", keys={"t1": os.urandom(32)}, hash_key=os.urandom(32))
    return PrivacySealer(Sealer(keyring))


@dataclass
class Books:
    """A database with products, a sealer for order personal data, and the invoicing config."""

    engine: Engine
    sealer: PrivacySealer = field(default_factory=make_sealer)
    config: InvoicingConfig = CONFIG
    _next: int = 0

    def uow(self) -> InvoiceUnitOfWork:
        return InvoiceUnitOfWork(self.engine, self.sealer.sealer)

    @property
    def incidents(self) -> IncidentStore:
        return IncidentStore(self.engine)

    def product(self, sku: str, price: str, vat: str = "23", name: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(products).values(
                sku=sku, name=name or f"Kubek {sku}", ean=None, vat=vat, unit="szt.",
                price_gross=Decimal(price)))  # fmt: skip

    def order(
        self,
        personal: PersonalData,
        lines: list[tuple[str, int]],
        *,
        status: str = "paid",
        requested: bool = False,
        channel: str = "allegro-main",
    ) -> int:
        self._next += 1
        with self.engine.begin() as conn:
            order_id = conn.execute(insert(orders).values(
                channel=channel, external_id=f"ext-{self._next}-{os.urandom(3).hex()}",
                status=status, invoice_requested=requested, first_seen_at=T0,
                last_seen_at=T0).returning(orders.c.id)).scalar_one()  # fmt: skip
            sealed = self.sealer.seal_order(order_id, personal)
            conn.execute(update(orders).where(orders.c.id == order_id).values(**sealed))
            conn.execute(insert(order_lines), [
                {"order_id": order_id, "line_id": f"l{i}", "offer_id": f"o{i}", "sku": sku,
                 "quantity": qty} for i, (sku, qty) in enumerate(lines)])  # fmt: skip
        return int(order_id)

    def open_incidents(self) -> list[Incident]:
        return self.incidents.incidents(states=None)

    def incident_count(self) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(incidents.c.id)).all())
