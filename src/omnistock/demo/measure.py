"""The final summary, measured from the database and the sandboxes (never from counters of
what the tour meant to do).

- ``oversold_units``: Σ over SKUs of max(0, units the sandboxes sold (kits expanded into their
  components) − units that physically existed);
- ``orders_duplicated``: order rows beyond one per order a sandbox accepted, plus rows that
  match no accepted order;
- ``final_drift``: listings whose sandbox quantity differs from ``desired`` (an ended Allegro
  offer shows 0);
- ``invoices_valid``: issued invoices whose stored XML passes the FA(3) XSD and arithmetic
  checks **and** that the KSeF sandbox accepted (status 200).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from omnistock.channels.allegro import FileTokenStore
from omnistock.demo.stage import CATALOG_ID, CHANNELS
from omnistock.demo.tour import Tour
from omnistock.domain.ids import Sku
from omnistock.invoicing import fa3
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.order_repository import OrderUnitOfWork

__all__ = ["check_compliance", "measure", "oversold", "sandbox_quantities"]


def oversold(tour: Tour) -> int:
    sold: Counter[Sku] = Counter()
    for sale in tour.buyers.sales:
        parts = tour.shop.kits.get(sale.sku, {sale.sku: 1})
        for sku, per in parts.items():
            sold[sku] += per * sale.quantity
    return sum(max(0, n - tour.physical.get(sku, 0)) for sku, n in sold.items())


def orders(tour: Tour) -> tuple[int, int]:
    """(rows imported, rows duplicated)."""
    with OrderUnitOfWork(tour.app.engine) as uow:
        rows = uow.orders.list_orders(limit=1_000_000)
    accepted = {(s.channel, s.order_id) for s in tour.buyers.sales}
    counts = Counter((str(r.channel), r.external_id) for r in rows if not r.merged)
    extra = sum(n - 1 for n in counts.values())
    strangers = sum(n for key, n in counts.items() if key not in accepted)
    return len(rows), extra + strangers


def sandbox_quantities(tour: Tour) -> dict[str, dict[str, int]]:
    """Channel account → offer id → quantity the sandbox shows now."""
    admins = tour.stage.admins
    allegro = {
        r["id"]: (0 if r["status"] == "ENDED" else r["available"])
        for r in admins["allegro"].get("/_sandbox/offers/quantities").json()
    }
    woo = {
        str(r["id"]): r["stock_quantity"] or 0
        for r in admins["woocommerce"].get("/_sandbox/quantities").json()
    }
    amazon = {
        r["sku"]: r["quantity"] or 0 for r in admins["amazon"].get("/_sandbox/listings").json()
    }
    items = admins["meta"].get("/_sandbox/quantities", params={"catalog_id": CATALOG_ID}).json()
    meta = {r["retailer_id"]: r["quantity_to_sell_on_facebook"] or 0 for r in items["items"]}
    return {"allegro-main": allegro, "sklep": woo, "amazon-pl": amazon, "facebook": meta}


def drift(tour: Tour) -> int:
    shown = sandbox_quantities(tour)
    count = 0
    for channel, offers in tour.shop.offers.items():
        desired = tour.parts.sync.desired_of(channel, list(offers.values()))
        count += sum(1 for o, want in desired.items() if shown[channel].get(o) != (want or 0))
    return count


def invoices(tour: Tour) -> tuple[int, int]:
    """(issued, valid)."""
    accepted = {
        r["ksef_number"]
        for r in tour.stage.admins["ksef"].get("/_sandbox/invoices").json()
        if r["code"] == 200
    }
    issued = valid = 0
    with InvoiceUnitOfWork(tour.app.engine) as uow:
        stored = [uow.invoices.get(i) for i in tour.invoices]
    for invoice in stored:
        if invoice is None or not invoice.number or invoice.xml is None:
            continue
        issued += 1
        if fa3.inspect(invoice.xml).ok and invoice.ksef_number in accepted:
            valid += 1
    return issued, valid


def check_compliance(tour: Tour, today: date) -> int:
    """Violations (in force) of the shipped Allegro rule pack on the Allegro sandbox's offers.

    The run is stored as the worker's daily run would be, so the dashboard and
    ``GET /api/v1/compliance`` show it.
    """
    from omnistock.compliance.allegro_reader import AllegroOfferReader
    from omnistock.compliance.service import allegro_snapshot, check_listings, select_packs
    from omnistock.store.compliance_repository import save_run

    pair = FileTokenStore(tour.stage.folder / "allegro-main-tokens.json").load()
    if pair is None:
        return 0
    with AllegroOfferReader(tour.stage.url("allegro"), pair.access_token) as reader:
        snapshot = allegro_snapshot(reader, today)
    packs = select_packs("allegro")
    report = snapshot.merge_into(check_listings([], packs, today, 30, snapshot.listings))
    save_run(tour.app.engine, report, packs=packs, ran_at=tour.clock.now(), source="demo")
    return len(report.violations)


def measure(tour: Tour) -> dict[str, Any]:
    """The ``--json`` summary."""
    imported, duplicated = orders(tour)
    issued, valid = invoices(tour)
    messages = tour.stage.admins["smsapi"].get("/_sandbox/messages").json()
    sandbox_of = CHANNELS
    return {
        "orders_imported": imported,
        "orders_duplicated": duplicated,
        "oversold_units": oversold(tour),
        "final_drift": drift(tour),
        "api_calls": {ch: tour.stage.counters[sb].calls for ch, sb in sandbox_of.items()},
        "holds": len(tour.parts.safety.holds()),
        "incidents": len(tour.parts.incidents.incidents(states=None)),
        "sms_sent": len(messages),
        "emails_sent": len(tour.stage.inbox.messages),
        "invoices_issued": issued,
        "invoices_valid": valid,
        "compliance_violations": tour.compliance,
        "orders_placed": len(tour.buyers.sales),
        "zero_feed": tour.zero_feed,
    }
