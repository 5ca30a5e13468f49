"""FA(3) throughput: invoices generated *and* XSD-validated per second, against a baseline.

Measured in one run on the same invoices:

* ``gate`` — what omnistock does before an invoice leaves: build the lxml tree from the domain
  invoice, validate it against the official XSD, run the arithmetic checks, serialize
  (:func:`omnistock.invoicing.fa3.render`);
* ``build`` — build + serialize without any validation;
* ``baseline`` — plain ``lxml.etree.tostring`` of the same, already built trees.

The ratios say what validation and building cost relative to serialization. Target: ≥ 200
invoices/s for ``gate`` on this machine.

    python -m benchmarks.invoice_bench [--count N] [--lines L] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from omnistock.domain.invoicing import (
    Address,
    Buyer,
    Invoice,
    InvoiceLine,
    OrderRef,
    Payment,
    PaymentForm,
    Seller,
    delivery_line,
)
from omnistock.domain.product import VatRate
from omnistock.invoicing.fa3 import render
from omnistock.invoicing.fa3_schema import default_schema
from omnistock.invoicing.fa3_writer import build

TARGET_PER_SECOND = 200.0
CREATED = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
RATES = (VatRate.R23, VatRate.R8, VatRate.R5)


def make_invoices(count: int, lines: int) -> list[Invoice]:
    """``count`` typical shop invoices with ``lines`` product lines plus a delivery line."""
    seller = Seller(
        nip="5261040828", name="Sklep sp. z o.o.", address=Address(line1="ul. Prosta 1")
    )
    buyer = Buyer.company(nip="1111111111", name="F.H.U. Jan", address=Address(line1="ul. Polna 1"))
    invoices = []
    for i in range(count):
        items = tuple(
            InvoiceLine(
                name=f"Produkt {i}-{n}",
                quantity=Decimal(1 + n % 3),
                net_price=Decimal(f"{10 + (i * 7 + n) % 90}.{(i + n) % 100:02d}"),
                vat=RATES[n % len(RATES)],
                gtin="5901234123457",
                sku=f"SKU-{n}",
            )
            for n in range(lines)
        )
        invoices.append(
            Invoice(
                number=f"FV/2026/11/{i + 1}",
                issue_date=date(2026, 11, 26),
                seller=seller,
                buyer=buyer,
                lines=(*items, delivery_line(net_price=Decimal("12.19"), vat=VatRate.R23)),
                payment=Payment(form=PaymentForm.TRANSFER, paid_on=date(2026, 11, 25)),
                order=OrderRef(number=f"order-{i}", ordered_on=date(2026, 11, 24)),
            )
        )
    return invoices


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure(count: int, lines: int) -> dict[str, Any]:
    """Run the three phases on the same invoices and return the figures."""
    compile_seconds = timed(default_schema)
    invoices = make_invoices(count, lines)
    schema = default_schema()
    render(invoices[0], created_at=CREATED, schema=schema)  # warm-up
    gate = timed(lambda: [render(inv, created_at=CREATED, schema=schema) for inv in invoices])
    trees = [build(inv, created_at=CREATED) for inv in invoices]
    baseline = timed(
        lambda: [etree.tostring(t, xml_declaration=True, encoding="UTF-8") for t in trees]
    )
    built = timed(
        lambda: [
            etree.tostring(build(inv, created_at=CREATED), xml_declaration=True, encoding="UTF-8")
            for inv in invoices
        ]
    )
    gate_rate = count / gate
    return {
        "invoices": count,
        "lines_per_invoice": lines + 1,
        "schema_compile_seconds": round(compile_seconds, 4),
        "gate_per_second": round(gate_rate, 1),
        "build_per_second": round(count / built, 1),
        "baseline_serialize_per_second": round(count / baseline, 1),
        "gate_vs_baseline": round(baseline / gate, 4),
        "gate_vs_build": round(built / gate, 4),
        "target_per_second": TARGET_PER_SECOND,
        "meets_target": gate_rate >= TARGET_PER_SECOND,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="invoice_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="invoices per phase")
    parser.add_argument("--lines", type=int, default=4, help="product lines per invoice")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.count, args.lines)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    rows = [
        ("FA(3) generated + XSD-validated + checked", figures["gate_per_second"]),
        ("built + serialized, no validation", figures["build_per_second"]),
        ("baseline: lxml tostring of built trees", figures["baseline_serialize_per_second"]),
    ]
    for label, rate in rows:
        print(f"{label:<44}{rate:>10.1f} invoices/s")
    ratios = (
        f"vs baseline {figures['gate_vs_baseline']:.3f}, vs build {figures['gate_vs_build']:.3f}"
    )
    print(f"gate speed {ratios}")
    verdict = "meets" if figures["meets_target"] else "MISSES"
    compiled = figures["schema_compile_seconds"]
    print(f"target ≥ {TARGET_PER_SECOND:.0f}/s: {verdict}; schema compiled in {compiled} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
