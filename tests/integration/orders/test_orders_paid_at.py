"""The buyer's payment time travels from the channel into ``orders.paid_at`` and the invoice.

Over loopback HTTP: an Allegro purchase paid later keeps ``payment.finishedAt``; a WooCommerce
B2B checkout (``_billing_nip`` meta) keeps ``date_paid_gmt``, asks for an invoice with the NIP,
and its FA(3) invoice (XSD-checked) states the payment day, not the later delivery day.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree
from orders_harness import Shop
from sqlalchemy import select

from omnistock.invoicing import fa3
from omnistock.invoicing.fa3_schema import NS
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoices import issue_for_order
from omnistock.service.orders import receive_order, show_order
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.order_tables import orders

F = "{" + NS + "}"
WARSAW = ZoneInfo("Europe/Warsaw")
NIP = "5260250274"
CONFIG = InvoicingConfig.from_section(
    {
        "nip": "5261040828",
        "name": "Przykładowy Sklep sp. z o.o.",
        "address": ["ul. Prosta 1", "00-001 Warszawa"],
        "bank_account": "PL61109010140000071219812874",
    }
)
DAY = 86400


def _gmt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=UTC)


def _row(shop: Shop, channel: str, external_id: str) -> Any:
    c = orders.c
    query = select(orders).where(c.channel == channel, c.external_id == external_id)
    with shop.engine.connect() as conn:
        return conn.execute(query).one()


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite reads naive UTC


def test_allegro_payment_finished_at_is_kept_as_paid_at(shop: Shop) -> None:
    admin = shop.admins["allegro"]
    lines = [{"offer_id": shop.offers["allegro"], "quantity": 1}]
    placed = admin.post("/_sandbox/orders", json={"lines": lines, "stage": "BOUGHT"})
    assert placed.status_code == 201, placed.text
    form_id = str(placed.json()["id"])
    assert "finishedAt" not in placed.json()["payment"]
    shop.import_orders("allegro")
    assert _row(shop, "allegro", form_id).paid_at is None  # bought, not paid
    shop.advance(3 * 3600)
    paid = admin.post(f"/_sandbox/orders/{form_id}/pay")
    paid.raise_for_status()
    finished = _gmt(paid.json()["payment"]["finishedAt"])
    shop.advance(DAY)
    shop.import_orders("allegro")
    row = _row(shop, "allegro", form_id)
    assert (row.status, _utc(row.paid_at)) == ("paid", finished)
    view = show_order(shop.uow(), row.id)
    assert view["paid_at"] == finished.isoformat()


def test_woocommerce_b2b_order_keeps_nip_and_payment_day_on_its_invoice(shop: Shop) -> None:
    admin = shop.admins["woocommerce"]
    meta = [{"key": "_billing_nip", "value": NIP}, {"key": "_wc_note", "value": "x"}]
    lines = [{"sku": "KUBEK-1", "quantity": 1}]
    bad = admin.post("/_sandbox/orders", json={"lines": lines, "meta_data": [{"value": NIP}]})
    assert bad.status_code == 422
    assert "meta_data" in bad.text
    assert "key" in bad.text
    placed = admin.post("/_sandbox/orders", json={"lines": lines, "meta_data": meta})
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert [(m["key"], m["value"]) for m in body["meta_data"]] == [
        ("_billing_nip", NIP),
        ("_wc_note", "x"),
    ]
    paid_at = _gmt(body["date_paid_gmt"])
    shop.advance(2 * DAY)  # shipped two days after the payment
    done = admin.post(f"/_sandbox/orders/{body['id']}/status", json={"status": "completed"})
    done.raise_for_status()
    shipped_at = _gmt(done.json()["date_modified_gmt"])
    assert shop.import_orders("woocommerce").created == 1  # first seen already shipped
    row = _row(shop, "woocommerce", str(body["id"]))
    assert (row.status, row.invoice_requested) == ("shipped", True)
    assert (_utc(row.paid_at), _utc(row.channel_updated_at)) == (paid_at, shipped_at)
    view = show_order(shop.uow(), row.id, sealer=shop.sealer)
    assert view["personal"]["nip"] == NIP

    issued_at = shipped_at.replace(hour=10) + (shipped_at - paid_at)  # two days after shipping
    incidents = IncidentStore(shop.engine)
    stored = issue_for_order(InvoiceUnitOfWork(shop.engine), row.id, now=issued_at,
                             config=CONFIG, sealer=shop.sealer, incidents=incidents)  # fmt: skip
    assert stored.xml is not None, incidents.incidents(states=None)
    assert fa3.inspect(stored.xml).ok  # XSD + arithmetic
    tree = etree.fromstring(stored.xml)
    fa = tree.find(f"{F}Fa")
    assert tree.findtext(f"{F}Podmiot2/{F}DaneIdentyfikacyjne/{F}NIP") == NIP
    assert (fa.findtext(f"{F}P_6"), fa.findtext(f"{F}Platnosc/{F}DataZaplaty")) == (
        shipped_at.astimezone(WARSAW).date().isoformat(),
        paid_at.astimezone(WARSAW).date().isoformat(),
    )

    # a later report without the payment time (or another one) never moves it
    later = done.json() | {"date_paid_gmt": None, "date_modified_gmt": "2099-01-01T00:00:00"}
    for raw in (later, later | {"date_paid_gmt": "2099-01-01T00:00:00"}):
        receive_order(shop.uow, shop.feeds["woocommerce"], json.loads(json.dumps(raw)),
                      sealer=shop.sealer, contacts=shop.contacts, clock=shop.clock)  # fmt: skip
        kept = _row(shop, "woocommerce", str(body["id"]))
        assert (_utc(kept.paid_at), _utc(kept.delivered_at)) == (paid_at, shipped_at)
