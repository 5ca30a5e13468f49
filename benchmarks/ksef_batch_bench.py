"""KSeF batch throughput: 10,000 invoices through one batch session of the KSeF sandbox.

Measured in one run on the same documents:

* ``batch`` — :meth:`KsefClient.send_batch` end to end over loopback HTTP: ZIP, split into parts,
  AES-256-CBC, upload, close; the sandbox decrypts, XSD-validates every invoice with omnistock's
  FA(3) validator, checks duplicates and numbers them; the client polls, reads the per-invoice
  results (pages of 1,000) and the collective UPO;
* ``baseline`` — the same documents XSD-validated in-process (the floor the sandbox's own
  validation puts under any transport).

Invoices are generated from one rendered FA(3) document (omnistock's writer) by changing
``P_2``, so all are valid and distinct. The sandbox runs with the production limits of the
reference (a batch session uses 1 open, 1 close, a few status polls and 10 list pages — all far
below them); ``online_hours_at_180_per_hour`` says how long the same volume would take online.

    python -m benchmarks.ksef_batch_bench [--count N] [--part-size BYTES] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from omnistock.domain.invoicing import (
    Address,
    Buyer,
    Invoice,
    InvoiceLine,
    OrderRef,
    Payment,
    PaymentForm,
    Seller,
)
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3 import render
from omnistock.invoicing.fa3_schema import default_schema, parse_document
from omnistock.invoicing.ksef import KsefClient, KsefSettings
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.ksef import create_app

NIP = "5261040828"
ONLINE_PER_HOUR = 180
MARK = "FV/BENCH/000000"


def template() -> bytes:
    """One valid FA(3) document whose number is ``MARK``."""
    today = datetime.now(UTC).date()
    invoice = Invoice(
        number=MARK,
        issue_date=today,
        seller=Seller(nip=NIP, name="Sklep sp. z o.o.", address=Address(line1="ul. Prosta 1")),
        buyer=Buyer.company(nip="1111111111", name="F.H.U. Jan", address=Address(line1="Polna 1")),
        lines=tuple(
            InvoiceLine(name=f"Produkt {n}", quantity=Decimal(1 + n), net_price=Decimal("19.99"),
                        vat=VatRate.R23, gtin="5901234123457", sku=f"SKU-{n}")
            for n in range(4)
        ),
        payment=Payment(form=PaymentForm.TRANSFER, paid_on=today),
        order=OrderRef(number="order-1", ordered_on=today),
    )  # fmt: skip
    return render(invoice, created_at=datetime.now(UTC))


def documents(count: int) -> list[tuple[str, bytes]]:
    """``count`` distinct valid invoices ``(file name, xml)``."""
    xml = template()
    stamp = datetime.now(UTC).strftime("%H%M%S")
    return [
        (f"FV-{n:06d}.xml", xml.replace(MARK.encode(), f"FV/{stamp}/{n:06d}".encode()))
        for n in range(1, count + 1)
    ]


def baseline(files: Sequence[tuple[str, bytes]]) -> float:
    """Seconds to XSD-validate every document in-process."""
    schema = default_schema()
    started = time.perf_counter()
    for _, xml in files:
        if schema.problems(parse_document(xml)):
            raise AssertionError("generated invoice is not valid FA(3)")
    return time.perf_counter() - started


def run_batch(files: Sequence[tuple[str, bytes]], part_size: int) -> tuple[float, dict[str, Any]]:
    """Seconds for one batch session through the sandbox, and what came back."""
    app = create_app(SandboxOptions())
    with SandboxServer(app) as server:
        settings = KsefSettings(
            base_url=server.url, nip=NIP, token="omnistock-sandbox", poll_interval=0.2,
            poll_timeout=900, part_size=part_size,
        )  # fmt: skip
        with KsefClient(settings) as client:
            client.authenticate()
            started = time.perf_counter()
            report = client.send_batch(files)
            seconds = time.perf_counter() - started
        uploads = len(app.state.sandbox.requests.entries("/upload/"))
    return seconds, {
        "accepted": len(report.accepted),
        "rejected": len(report.rejected),
        "parts": uploads,
        "upo_pages": len(report.upo_pages),
        "distinct_ksef_numbers": len({a.ksef_number for a in report.accepted}),
    }


def measure(count: int, part_size: int) -> dict[str, Any]:
    files = documents(count)
    base = baseline(files)
    batch, result = run_batch(files, part_size)
    if result["accepted"] != count:
        raise AssertionError(f"only {result['accepted']} of {count} invoices accepted")
    return {
        "invoices": count,
        "zip_part_size": part_size,
        **result,
        "batch_seconds": round(batch, 2),
        "batch_per_second": round(count / batch, 1),
        "baseline_xsd_per_second": round(count / base, 1),
        "batch_vs_baseline": round(base / batch, 3),
        "online_hours_at_180_per_hour": round(count / ONLINE_PER_HOUR, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ksef_batch_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="invoices in the batch")
    parser.add_argument("--part-size", type=int, default=5_000_000, help="ZIP bytes per part")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.count, args.part_size)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['invoices']} invoices, {figures['parts']} encrypted part(s), "
          f"{figures['accepted']} accepted, {figures['upo_pages']} UPO page(s)")  # fmt: skip
    rows = [
        ("batch session through the KSeF sandbox", figures["batch_per_second"]),
        ("baseline: in-process XSD validation", figures["baseline_xsd_per_second"]),
    ]
    for label, rate in rows:
        print(f"{label:<44}{rate:>10.1f} invoices/s")
    print(f"batch vs baseline {figures['batch_vs_baseline']:.3f}; the same volume online at "
          f"180/h: {figures['online_hours_at_180_per_hour']} h")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
