"""Must show (issue 9): after importing orders from every order-taking channel sandbox
(Allegro, WooCommerce, Amazon) through the order importer, neither the raw SQLite file (with
its WAL) nor a ``pg_dump`` of the test schema contains any buyer's name, e-mail, phone, address
or NIP in plain text; export returns everything the data map declares for the person; erasure
keeps the invoice data under legal retention and removes the rest.

The invoice XML (``invoices.xml``, sealed by the invoice repository) is checked separately.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).parents[1] / "orders"))
sys.path.insert(0, str(Path(__file__).parents[1] / "invoices"))

from invoice_harness import COMPANY, Books
from orders_harness import T0, Shop, build_shop
from privacy_helpers import hex_forms, pg_dump

from omnistock.privacy.inventory import DATA_MAP
from omnistock.privacy.scan import database_files, plaintext_hits
from omnistock.privacy.subject import SubjectQuery
from omnistock.service.order_privacy import ContactPolicy
from omnistock.service.privacy_requests import erase_person, export_person
from omnistock.store.engine import make_engine
from omnistock.store.order_tables import orders
from omnistock.store.privacy_repository import audit_entries

CHANNELS = ("allegro", "woocommerce", "amazon")
NIP = "5260250274"


@pytest.fixture
def shop(db_url: str, tmp_path: Path) -> Iterator[tuple[Shop, str]]:
    engine = make_engine(db_url)
    for built in build_shop(engine, tmp_path, 20):
        built.contacts = ContactPolicy(keep_email=True, keep_phone=True)
        yield built, db_url
    engine.dispose()


def _values(*parts: Any) -> set[str]:
    """Every string of 5+ characters inside ``parts`` (names, streets, e-mails, phones, NIPs)."""
    found: set[str] = set()
    for part in parts:
        if isinstance(part, dict):
            found |= _values(*part.values())
        elif isinstance(part, list):
            found |= _values(*part)
        elif isinstance(part, str) and len(part) >= 5:
            found.add(part)
    return found


def place_orders(shop: Shop) -> dict[str, set[str]]:
    """One order per channel; the personal values each sandbox gave its buyer."""
    body = {
        "lines": [{"offer_id": shop.offers["allegro"], "quantity": 1}],
        "invoice": {"nip": NIP, "company_name": "Hurtownia Brzęczyszczykiewicz sp. z o.o."},
        "buyer": {"first_name": "Grzegorz", "last_name": "Brzęczyszczykiewicz"},
    }
    made = shop.admins["allegro"].post("/_sandbox/orders", json=body)
    assert made.status_code == 201, made.text
    allegro = made.json()
    woo = shop.admins["woocommerce"].post(
        "/_sandbox/orders", json={"lines": [{"sku": "KUBEK-1", "quantity": 1}]}
    )
    assert woo.status_code == 201, woo.text
    amazon = shop.admins["amazon"].post(
        "/_sandbox/orders", json={"items": [{"sku": "AMZ-KUBEK-1", "quantity": 1}]}
    )
    assert amazon.status_code == 201, amazon.text
    listed = shop.admins["amazon"].get("/_sandbox/orders").json()
    listed = listed if isinstance(listed, list) else listed.get("orders", [])
    return {
        "allegro": _values(
            allegro["buyer"], allegro["delivery"]["address"], allegro["invoice"]["address"]
        ),
        "woocommerce": _values(woo.json()["billing"], woo.json()["shipping"]) - {"Polska"},
        "amazon": _values([{k: o.get(k) for k in ("buyer", "recipient")} for o in listed])
        - {"RESIDENTIAL"},
    }


def import_all(shop: Shop) -> dict[str, set[str]]:
    personal = place_orders(shop)
    for channel in CHANNELS:
        assert shop.import_orders(channel).created == 1, channel
    return personal


def raw_files(shop: Shop, db_url: str, tmp_path: Path) -> list[Path]:
    """The raw SQLite file + WAL, or a ``pg_dump`` of the schema."""
    shop.engine.dispose()
    if db_url.startswith("sqlite"):
        return database_files(Path(make_url(db_url).database or ""))
    return [pg_dump(db_url, tmp_path / "dump.sql")]


def test_no_buyer_value_in_plain_text_in_the_raw_database(
    shop: tuple[Shop, str], tmp_path: Path
) -> None:
    built, db_url = shop
    personal = import_all(built)
    everything = set().union(*personal.values())
    assert any(NIP in v for v in everything)
    assert any("@" in v for v in everything)
    assert all(personal.values())  # every channel gave personal values to look for
    files = raw_files(built, db_url, tmp_path)
    assert files
    assert plaintext_hits(files, everything) == {}
    assert plaintext_hits(files, hex_forms(everything)) == {}
    seen = plaintext_hits(files, [built.offers["allegro"], "KUBEK-1"])
    assert seen  # the scan does find what is stored in clear
    assert plaintext_hits(files, ["v1:t1:"])  # …and the sealed buyer fields are in the files


def _email(values: set[str]) -> str:
    return next(v for v in sorted(values) if "@" in v)


def _declared_present(engine: Engine, order_id: int) -> set[str]:
    table = DATA_MAP.table("orders")
    with engine.connect() as conn:
        row = conn.execute(select(orders).where(orders.c.id == order_id)).mappings().one()
    return {f.column for f in table.fields if f.exportable and row[f.column] is not None}


def _orders_by_channel(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {row.channel: row.id for row in conn.execute(select(orders.c.channel, orders.c.id))}


def test_export_is_complete_and_erasure_keeps_only_invoice_data(shop: tuple[Shop, str]) -> None:
    built, _ = shop
    personal = import_all(built)
    engine, sealer = built.engine, built.sealer.sealer
    ids = _orders_by_channel(engine)
    assert set(ids) == set(CHANNELS)
    delivered = T0 - timedelta(days=3)
    with engine.begin() as conn:  # delivered; the Allegro one (invoice asked) invoiced too
        conn.execute(update(orders).values(delivered_at=delivered))
        conn.execute(
            update(orders).where(orders.c.id == ids["allegro"]).values(invoiced_at=delivered)
        )
    for channel in CHANNELS:
        query = SubjectQuery(email=_email(personal[channel]))
        found = export_person(engine, sealer, query, T0, actor="dpo", surface="test")
        [record] = found.records
        assert record.record_id == str(ids[channel])
        assert set(record.fields) == _declared_present(engine, ids[channel])
        assert {"buyer_name", "delivery_address", "buyer_email"} <= set(record.fields)
        assert record.fields["buyer_email"] == query.email
    allegro = export_person(
        engine, sealer, SubjectQuery(email=_email(personal["allegro"])), T0, actor="dpo",
        surface="test",
    ).records[0]  # fmt: skip
    assert allegro.fields["invoice_address"]["nip"] == NIP
    for channel in CHANNELS:
        query = SubjectQuery(email=_email(personal[channel]))
        report = erase_person(engine, sealer, query, T0, actor="dpo", surface="test")
        kept = {k.column for k in report.kept}
        if channel == "allegro":
            assert "invoice_address" in kept
            assert all(k.keep_until and k.keep_until.year == 2032 for k in report.kept[:1])
        else:
            assert kept == set()
        assert f"orders.buyer_name#{ids[channel]}" in report.erased
    with engine.connect() as conn:
        rows = conn.execute(select(orders)).mappings().all()
    table = DATA_MAP.table("orders")
    for row in rows:
        held = {f.column for f in table.fields if row[f.column] is not None}
        if row["channel"] == "allegro":
            assert "invoice_address" in held
            assert held <= {"invoice_address", "buyer_email_hash", "buyer_phone_hash",
                            "buyer_ref_hash"}  # fmt: skip
        else:
            assert held == set()
    after = export_person(
        engine, sealer, SubjectQuery(email=_email(personal["allegro"])), T0, actor="dpo",
        surface="test",
    )  # fmt: skip
    assert list(after.records[0].fields) == ["invoice_address"]
    actions = [(e.action, e.actor) for e in audit_entries(engine)]
    assert actions.count(("export", "dpo")) == 5
    assert actions.count(("erase", "dpo")) == 3


def test_issued_invoice_holds_no_buyer_value_in_plain_text(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    from test_invoice_issue import issue  # the invoice service's own test helper

    issue(books, books.order(COMPANY, [("KUBEK-1", 1)]))
    engine.dispose()
    assert COMPANY.invoice is not None
    values = {COMPANY.name or "", COMPANY.invoice.company or "", COMPANY.invoice.street or ""}
    if db_url.startswith("sqlite"):
        files = database_files(Path(make_url(db_url).database or ""))
    else:
        files = [pg_dump(db_url, tmp_path / "dump.sql")]
    assert plaintext_hits(files, values | hex_forms(values)) == {}
