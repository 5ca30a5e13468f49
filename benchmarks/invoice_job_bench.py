"""The worker's invoicing job: paid business orders → stored, numbered, sealed FA(3) invoices/s.

Where ``invoice_bench`` measures the FA(3) gate alone, this measures what one worker's issue pass
does per order on a real database (a SQLite file by default, or ``--db URL``): read the order and
its lines, open the buyer's sealed data, build the invoice, take the gap-free number, render it
through the gate (XSD + arithmetic), seal and store the XML, mark the order — one transaction per
order (``InvoiceJob.issue_due`` → ``issue_for_order``). Then one ``send_pending`` pass through the
in-memory KSeF (no HTTP: ``ksef_batch_bench`` measures the sandbox) stores the KSeF numbers.

    python -m benchmarks.invoice_job_bench [--orders N] [--db URL] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, update

from omnistock.domain.orders import Address, PersonalData
from omnistock.invoicing.ksef import InMemoryKsef
from omnistock.privacy.keys import Keyring
from omnistock.privacy.sealing import Sealer
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoice_jobs import InvoiceJob, InvoicePass, JobSettings
from omnistock.service.order_privacy import PrivacySealer
from omnistock.store.engine import make_engine
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.migrate import upgrade_to_head
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.tables import products

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SELLER = "5261040828"
CONFIG = InvoicingConfig(nip=SELLER, name="Sklep sp. z o.o.", address=("ul. Prosta 1",))
BUYER = PersonalData(
    name="Jan Kowalski",
    invoice=Address(
        company="Hurtownia sp. z o.o.", street="ul. Długa 5", city="Gdańsk", post_code="80-001"
    ),
    nip="7740001454",
)


def seed(engine: Engine, sealer: PrivacySealer, count: int) -> None:
    """``count`` paid orders with a NIP, three lines each (two rates)."""
    with engine.begin() as conn:
        conn.execute(insert(products), [
            {"sku": f"SKU-{n}", "name": f"Produkt {n}", "ean": None, "vat": vat, "unit": "szt.",
             "price_gross": Decimal(price)}
            for n, (vat, price) in enumerate((("23", "24.60"), ("8", "10.80"), ("23", "0.12")))
        ])  # fmt: skip
        for i in range(count):
            order_id = conn.execute(insert(orders).values(
                channel="allegro-main", external_id=f"bench-{i}", status="paid",
                invoice_requested=True, first_seen_at=NOW - timedelta(hours=1),
                last_seen_at=NOW).returning(orders.c.id)).scalar_one()  # fmt: skip
            conn.execute(update(orders).where(orders.c.id == order_id)
                         .values(**sealer.seal_order(order_id, BUYER)))  # fmt: skip
            conn.execute(insert(order_lines), [
                {"order_id": order_id, "line_id": f"l{n}", "offer_id": f"o{n}",
                 "sku": f"SKU-{n}", "quantity": 1 + (i + n) % 3} for n in range(3)])  # fmt: skip


def measure(count: int, db_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = db_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        try:
            upgrade_to_head(engine)
            return _run(engine, count, url)
        finally:
            engine.dispose()


def _run(engine: Engine, count: int, url: str) -> dict[str, Any]:
    keyring = Keyring(active="b1", keys={"b1": os.urandom(32)}, hash_key=os.urandom(32))
    sealer = Sealer(keyring)
    personal = PrivacySealer(sealer)
    seed(engine, personal, count)
    memory = InMemoryKsef(SELLER, now=lambda: NOW)
    job = InvoiceJob(
        uow_factory=lambda: InvoiceUnitOfWork(engine, sealer), config=CONFIG, sealer=personal,
        incidents=IncidentStore(engine), ksef=None,
        settings=JobSettings(orders_per_pass=count),
    )  # fmt: skip
    done = InvoicePass()
    started = time.perf_counter()
    job.issue_due(NOW, done)
    issued = time.perf_counter() - started
    job.ksef = lambda: _Same(memory)
    started = time.perf_counter()
    summary = job.send(NOW)
    sent = time.perf_counter() - started
    accepted = len(summary.accepted) if summary else 0
    return {
        "database": url.split(":", 1)[0],
        "orders": count,
        "issued": len(done.issued),
        "failed": len(done.failed),
        "issue_per_second": round(len(done.issued) / issued, 1),
        "send_in_memory_per_second": round(accepted / sent, 1) if sent else 0.0,
        "accepted": accepted,
    }


class _Same:
    def __init__(self, port: InMemoryKsef) -> None:
        self.port = port

    def __enter__(self) -> InMemoryKsef:
        return self.port

    def __exit__(self, *exc: object) -> None:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="invoice_job_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500, help="paid business orders")
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.orders, args.db)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0 if figures["issued"] == args.orders else 1
    print(f"{figures['issued']} of {figures['orders']} orders invoiced on {figures['database']}, "
          f"{figures['failed']} failed")  # fmt: skip
    rows = [
        ("issue pass (one transaction per order)", figures["issue_per_second"]),
        ("send_pending, in-memory KSeF", figures["send_in_memory_per_second"]),
    ]
    for label, rate in rows:
        print(f"{label:<44}{rate:>10.1f} invoices/s")
    return 0 if figures["issued"] == args.orders and figures["accepted"] == args.orders else 1


if __name__ == "__main__":
    raise SystemExit(main())
