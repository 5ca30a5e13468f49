"""Invoices priced from the sale: an order imported from the Allegro sandbox, not the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from invoice_harness import BUYER_NIP, COMPANY, T0, Books
from sqlalchemy import Engine, select

from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.order_details import AllegroOrderFeed
from omnistock.channels.allegro.tokens import auth_http
from omnistock.domain.ids import ChannelId, Sku
from omnistock.invoicing import fa3
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.service.catalog import add_channel, link_listing
from omnistock.service.clock import FixedClock
from omnistock.service.invoice_documents import load_document
from omnistock.service.invoices import issue_for_order
from omnistock.service.order_privacy import ContactPolicy
from omnistock.service.orders import import_feed
from omnistock.store.invoice_repository import InvoiceStatus
from omnistock.store.invoice_tables import invoice_order_terms
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.order_tables import order_lines

SECRET = "omnistock-sandbox"
CATALOGUE = "12.30"
SALE = "49.99"


@dataclass
class Allegro:
    admin: httpx.Client
    feed: AllegroOrderFeed
    sandbox: Any


@pytest.fixture
def allegro(tmp_path: Path) -> Iterator[Allegro]:
    options = SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)
    app = create_allegro(options)
    server = SandboxServer(app).start()
    sandbox = app.state.sandbox
    store = FileTokenStore(tmp_path / "allegro-tokens.json")
    flow_http = auth_http("allegro", server.url)
    flow = DeviceFlow(http=flow_http, client_id=SECRET, client_secret=SECRET, store=store,
                      clock=sandbox.clock.now, sleep=sandbox.clock.advance)  # fmt: skip
    flow.poll(flow.start())
    flow_http.close()
    config = AllegroConfig(
        client_id=SECRET, client_secret=SECRET, api_url=server.url, auth_url=server.url
    )
    adapter = AllegroAdapter(config, store, clock=sandbox.clock.now)
    admin = httpx.Client(base_url=server.url, timeout=10)
    try:
        yield Allegro(admin, AllegroOrderFeed(adapter.api, clock=sandbox.clock.now), sandbox)
    finally:
        admin.close()
        adapter.close()
        server.stop()


def _import(books: Books, allegro: Allegro, engine: Engine) -> None:
    summary = import_feed(lambda: OrderUnitOfWork(engine), allegro.feed, "events",
                          sealer=books.sealer, contacts=ContactPolicy(),
                          clock=FixedClock(T0))  # fmt: skip
    assert summary.created == 1, summary


def test_allegro_order_is_invoiced_at_the_sale_price_with_its_delivery_cost(
    engine: Engine, allegro: Allegro
) -> None:
    books = Books(engine)
    books.product("KUBEK-1", CATALOGUE)
    made = allegro.admin.post(
        "/_sandbox/offers", json=[{"name": "Kubek", "stock": 10, "price": SALE}]
    )
    assert made.status_code == 201, made.text
    offer = made.json()[0]["id"]
    add_channel(OrderUnitOfWork(engine), "allegro", "allegro", now=T0)
    link_listing(OrderUnitOfWork(engine), Sku("KUBEK-1"), ChannelId("allegro"), offer, now=T0)
    placed = allegro.admin.post(
        "/_sandbox/orders",
        json={"lines": [{"offer_id": offer, "quantity": 2}], "invoice": {"nip": BUYER_NIP}},
    )
    assert placed.status_code == 201, placed.text
    delivery = Decimal(placed.json()["delivery"]["cost"]["amount"])
    assert delivery > 0
    _import(books, allegro, engine)
    with engine.connect() as conn:
        order_id, unit = conn.execute(
            select(order_lines.c.order_id, order_lines.c.unit_gross)
        ).one()
        terms = conn.execute(select(invoice_order_terms)).one()
    assert Decimal(unit) == Decimal(SALE)
    assert (terms.currency, Decimal(terms.delivery_gross)) == ("PLN", delivery)

    stored = issue_for_order(books.uow(), order_id, now=T0 + timedelta(minutes=5),
                             config=books.config, sealer=books.sealer,
                             incidents=books.incidents)  # fmt: skip
    assert stored.status is InvoiceStatus.ISSUED, stored.error
    assert stored.xml is not None
    assert stored.lines is not None
    assert fa3.inspect(stored.xml).ok
    lines, _ = load_document(stored.lines)
    assert [(line.gross_price, line.quantity) for line in lines[:1]] == [
        (Decimal(SALE), Decimal(2))
    ]
    assert len(lines) == 2
    assert lines[1].gross_price == delivery
    assert "Koszt dostawy" in stored.xml.decode()
    assert stored.gross == 2 * Decimal(SALE) + delivery
    assert Decimal(CATALOGUE) * 2 + delivery != stored.gross


def test_an_order_imported_before_sale_prices_falls_back_to_the_catalogue(engine: Engine) -> None:
    books = Books(engine)
    books.product("KUBEK-1", CATALOGUE)
    order_id = books.order(COMPANY, [("KUBEK-1", 2)])  # order_lines.unit_gross is NULL
    stored = issue_for_order(books.uow(), order_id, now=T0, config=books.config,
                             sealer=books.sealer, incidents=books.incidents)  # fmt: skip
    assert stored.gross == 2 * Decimal(CATALOGUE)
