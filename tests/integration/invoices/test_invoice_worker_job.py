"""The worker's invoicing job: orders imported from the Allegro and WooCommerce sandboxes → job
passes → invoices with KSeF numbers and UPOs from the KSeF sandbox (all over loopback HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from invoice_harness import COMPANY, Books
from sqlalchemy import Engine, select, update

from omnistock.bootstrap import bootstrap, invoice_job
from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, DeviceFlow, FileTokenStore
from omnistock.channels.allegro.order_details import AllegroOrderFeed
from omnistock.channels.allegro.tokens import auth_http
from omnistock.channels.woocommerce import WooAdapter, WooConfig
from omnistock.channels.woocommerce.order_details import WooOrderFeed
from omnistock.config import Settings
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.product import Product
from omnistock.invoicing.ksef import InMemoryKsef, KsefClient, KsefSettings
from omnistock.privacy.keys import KeyConfigError, generate_key
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.ksef import KsefSandbox
from omnistock.sandbox.ksef import create_app as create_ksef
from omnistock.sandbox.woocommerce.app import create_app as create_woo
from omnistock.service.catalog import add_channel, add_product, link_listing
from omnistock.service.clock import FixedClock
from omnistock.service.invoice_jobs import InvoiceJob, JobSettings
from omnistock.service.invoices import issue_for_order
from omnistock.service.order_privacy import ContactPolicy
from omnistock.service.orders import import_feed
from omnistock.store.invoice_repository import InvoiceStatus, StoredInvoice
from omnistock.store.invoice_tables import invoices
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.order_tables import orders

SECRET = "omnistock-sandbox"
SELLER = "5261040828"
NOW_EVERY_TIME = JobSettings(issue_every=timedelta(0), send_every=timedelta(0))


@dataclass
class Ksef:
    state: KsefSandbox
    url: str

    def client(self) -> KsefClient:
        def sleep(seconds: float) -> None:
            self.state.clock.advance(seconds * self.state.clock.time_scale)

        settings = KsefSettings(base_url=self.url, nip=SELLER, token=SECRET, poll_interval=0.5,
                                online_max=3)  # fmt: skip
        return KsefClient(settings, sleep=sleep, now=self.state.clock.now)


@pytest.fixture(scope="module")
def ksef() -> Iterator[Ksef]:
    app = create_ksef(SandboxOptions())
    with SandboxServer(app) as running:
        yield Ksef(app.state.sandbox, running.url)


@dataclass
class Channels:
    allegro: httpx.Client
    woo: httpx.Client
    feeds: dict[str, Any]
    offers: dict[str, str]


@pytest.fixture
def channels(tmp_path: Path) -> Iterator[Channels]:
    options = SandboxOptions(empty=True, client_id=SECRET, client_secret=SECRET)
    with ExitStack() as stack:
        allegro_app, woo_app = create_allegro(options), create_woo(options)
        allegro_url = stack.enter_context(SandboxServer(allegro_app)).url
        woo_url = stack.enter_context(SandboxServer(woo_app)).url
        clock = allegro_app.state.sandbox.clock
        store = FileTokenStore(tmp_path / "allegro-tokens.json")
        flow_http = auth_http("allegro", allegro_url)
        flow = DeviceFlow(http=flow_http, client_id=SECRET, client_secret=SECRET, store=store,
                          clock=clock.now, sleep=clock.advance)  # fmt: skip
        flow.poll(flow.start())
        flow_http.close()
        config = AllegroConfig(client_id=SECRET, client_secret=SECRET, api_url=allegro_url,
                               auth_url=allegro_url)  # fmt: skip
        allegro = AllegroAdapter(config, store, clock=clock.now)
        stack.callback(allegro.close)
        woo_config = WooConfig(base_url=woo_url, consumer_key=SECRET, consumer_secret=SECRET)
        woo = WooAdapter(woo_config, clock=woo_app.state.sandbox.clock.now)
        stack.callback(woo.close)
        admin_a = stack.enter_context(httpx.Client(base_url=allegro_url, timeout=10))
        admin_w = stack.enter_context(httpx.Client(base_url=woo_url, timeout=10))
        made = admin_a.post("/_sandbox/offers", json=[{"name": "Kubek", "stock": 50,
                                                        "price": "24.60"}])  # fmt: skip
        assert made.status_code == 201, made.text
        product = {"name": "Kubek", "sku": "KUBEK-1", "stock_quantity": 50,
                   "regular_price": "24.60"}  # fmt: skip
        made_w = admin_w.post("/_sandbox/products", json={"products": [product]})
        assert made_w.status_code == 201, made_w.text
        feeds = {
            "allegro": AllegroOrderFeed(allegro.api, clock=clock.now),
            "woocommerce": WooOrderFeed(woo.http, clock=woo_app.state.sandbox.clock.now),
        }
        offers = {"allegro": made.json()[0]["id"], "woocommerce": str(made_w.json()[0]["id"])}
        yield Channels(admin_a, admin_w, feeds, offers)


def catalog(books: Books, channels: Channels) -> None:
    now = datetime.now(UTC)
    uow = lambda: OrderUnitOfWork(books.engine)  # noqa: E731
    add_product(uow(), Product(sku=Sku("KUBEK-1"), name="Kubek ceramiczny 300 ml",
                               price_gross=Decimal("24.60")))  # fmt: skip
    for name in ("allegro", "woocommerce"):
        add_channel(uow(), name, name, now=now)
        link_listing(uow(), Sku("KUBEK-1"), ChannelId(name), channels.offers[name], now=now)


def import_all(books: Books, channels: Channels) -> None:
    for feed in channels.feeds.values():
        import_feed(lambda: OrderUnitOfWork(books.engine), feed, feed.feeds[0],
                    sealer=books.sealer, contacts=ContactPolicy(),
                    clock=FixedClock(datetime.now(UTC)))  # fmt: skip


def job(books: Books, ksef: Ksef | None, **kw: Any) -> InvoiceJob:
    return InvoiceJob(
        uow_factory=books.uow, config=books.config, sealer=books.sealer,
        incidents=books.incidents, ksef=None if ksef is None else ksef.client,
        settings=kw.pop("settings", NOW_EVERY_TIME), **kw,
    )  # fmt: skip


def stored(books: Books) -> list[StoredInvoice]:
    with books.uow() as uow:
        return uow.invoices.listing()


def order_of(books: Books, channel: str) -> list[int]:
    with books.engine.connect() as conn:
        query = select(orders.c.id).where(orders.c.channel == channel).order_by(orders.c.id)
        return list(conn.execute(query).scalars())


def test_imported_orders_get_invoices_with_ksef_numbers_and_upos_from_worker_passes(
    engine: Engine, channels: Channels, ksef: Ksef
) -> None:
    ksef.state.reset()
    books = Books(engine)
    catalog(books, channels)
    offer = channels.offers["allegro"]
    b2b = {
        "lines": [{"offer_id": offer, "quantity": 2}],
        "invoice": {"nip": "5260250274", "company_name": "Hurtownia Kowalscy sp. z o.o."},
    }
    placed = channels.allegro.post("/_sandbox/orders", json=b2b)
    unpaid = channels.allegro.post("/_sandbox/orders", json={**b2b, "stage": "BOUGHT"})
    consumer = channels.allegro.post("/_sandbox/orders", json={"lines": b2b["lines"]})
    shop = channels.woo.post("/_sandbox/orders", json={"lines": [{"sku": "KUBEK-1"}]})
    for made in (placed, unpaid, consumer, shop):
        assert made.status_code == 201, made.text
    import_all(books, channels)

    first = job(books, ksef)(datetime.now(UTC))  # only the paid business order
    assert first.issued == ["FV/" + datetime.now(UTC).strftime("%Y/%m") + "/0001"]
    assert first.sent is not None
    assert first.sent.accepted == first.issued
    [invoice] = stored(books)
    assert invoice.status is InvoiceStatus.ACCEPTED
    assert invoice.ksef_number is not None
    assert invoice.upo is not None
    assert b"<NIP>5260250274</NIP>" in (invoice.xml or b"")
    in_ksef = {r.ksef_number: r for r in ksef.state.invoices()}
    assert in_ksef[invoice.ksef_number].number == invoice.number

    paid = channels.allegro.post(f"/_sandbox/orders/{unpaid.json()['id']}/pay")
    assert paid.status_code == 200, paid.text
    import_all(books, channels)
    second = job(books, ksef)(datetime.now(UTC))
    assert len(second.issued) == 1
    assert second.sent is not None
    assert second.sent.accepted == second.issued

    # consumers only on request: the shop's buyer asks, the next pass sends it
    [woo_order] = order_of(books, "woocommerce")
    asked = issue_for_order(books.uow(), woo_order, request=True, now=datetime.now(UTC),
                            config=books.config, sealer=books.sealer,
                            incidents=books.incidents)  # fmt: skip
    assert b"<BrakID>1</BrakID>" in (asked.xml or b"")
    restarted = job(books, ksef)  # a new process: nothing issued twice, only the request sent
    third = restarted(datetime.now(UTC))
    assert third.issued == []
    assert third.sent is not None
    assert third.sent.accepted == [asked.number]

    final = stored(books)
    assert len(final) == 3  # the Allegro consumer has none
    assert {s.status for s in final} == {InvoiceStatus.ACCEPTED}
    assert all(s.upo and s.ksef_number for s in final)
    assert [s.number[-4:] for s in final if s.number] == ["0001", "0002", "0003"]
    assert len(ksef.state.invoices()) == 3  # each sent once
    again = restarted(datetime.now(UTC))
    assert (again.issued, again.sent and again.sent.accepted) == ([], [])
    assert len(ksef.state.invoices()) == 3

    # after invoicing: the Allegro buyer cancels, the shop refunds → one KOR each, sent to KSeF
    cancel = channels.allegro.post(f"/_sandbox/orders/{placed.json()['id']}/cancel", json={})
    assert cancel.status_code == 200, cancel.text
    woo_id = shop.json()["id"]
    refund = channels.woo.post(f"/_sandbox/orders/{woo_id}/status", json={"status": "refunded"})
    assert refund.status_code == 200, refund.text
    import_all(books, channels)
    closing = restarted(datetime.now(UTC))
    assert [n[:4] for n in closing.corrected] == ["KOR/", "KOR/"]
    assert closing.sent is not None
    assert sorted(closing.sent.accepted) == sorted(closing.corrected)
    kors = [s for s in stored(books) if s.kind == "KOR"]
    assert {s.gross for s in kors} == {-invoice.gross if invoice.gross else None, -asked.gross
                                       if asked.gross else None}  # fmt: skip
    assert all(s.ksef_number and s.upo for s in kors)
    assert (restarted(datetime.now(UTC)).corrected, len(ksef.state.invoices())) == ([], 5)


def test_an_order_that_cannot_be_invoiced_is_retried_only_after_the_draft_retry(
    engine: Engine,
) -> None:
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    bad = books.order(COMPANY, [("NIEZNANY", 1)], requested=True)  # the line's product is unknown
    settings = JobSettings(issue_every=timedelta(0), draft_retry=timedelta(hours=1))
    worker = job(books, None, settings=settings)
    t0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert worker(t0).failed == [bad]
    assert books.incident_count() == 1
    assert worker(t0 + timedelta(minutes=5)).failed == []  # not retried yet
    assert worker(t0 + timedelta(hours=1, minutes=1)).failed == [bad]
    [draft] = stored(books)
    assert (draft.status, draft.number) == (InvoiceStatus.DRAFT, None)


def test_ksef_unavailable_backs_off_with_an_incident_then_sends(engine: Engine) -> None:
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    books.order(COMPANY, [("KUBEK-1", 1)], requested=True)
    memory = InMemoryKsef(SELLER)
    memory.unavailable = True

    @dataclass
    class Opened:
        opened: int = 0

        def __call__(self) -> Any:
            self.opened += 1
            return _Same(memory)

    opener = Opened()
    worker = InvoiceJob(uow_factory=books.uow, config=books.config, sealer=books.sealer,
                        incidents=books.incidents, ksef=opener,
                        settings=JobSettings(issue_every=timedelta(0), send_every=timedelta(0),
                                             backoff=timedelta(minutes=1)))  # fmt: skip
    t0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    first = worker(t0)
    assert first.sent is not None
    assert len(first.sent.offline) == 1  # offline mode: the legal deadline is kept
    assert [i.subject for i in books.open_incidents()] == ["invoice job: KSeF send"]
    assert worker(t0 + timedelta(seconds=30)).sent is None  # backing off: KSeF not even asked
    assert opener.opened == 1
    memory.unavailable = False
    later = worker(t0 + timedelta(seconds=61))
    assert later.sent is not None
    assert len(later.sent.accepted) == 1
    [sent] = stored(books)
    assert sent.status is InvoiceStatus.ACCEPTED
    assert memory.sent[-1] == sent.xml
    assert worker.send_failures == 0


class _Same:
    """A context manager handing out one in-memory KSeF (closed: nothing to release)."""

    def __init__(self, port: InMemoryKsef) -> None:
        self.port = port

    def __enter__(self) -> InMemoryKsef:
        return self.port

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.mark.timeout(120)
def test_two_workers_issue_and_send_each_invoice_once_with_gap_free_numbers(
    engine: Engine, ksef: Ksef
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("one writer on SQLite; the concurrency proof is on PostgreSQL")
    ksef.state.reset()
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    order_ids = [books.order(COMPANY, [("KUBEK-1", n)], requested=True) for n in range(1, 9)]
    workers = [job(books, ksef), job(books, ksef)]
    start, errors = threading.Barrier(2), []
    now = datetime.now(UTC)

    def run(worker: InvoiceJob, at: datetime) -> None:
        try:
            start.wait()
            worker(at)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w, now)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for worker in workers:  # a later pass of each repairs anything left (nothing should be)
        worker(now + timedelta(seconds=1))
    with engine.connect() as conn:
        rows = conn.execute(select(invoices.c.order_id, invoices.c.seq, invoices.c.status)).all()
    assert sorted(r.order_id for r in rows) == order_ids
    assert sorted(r.seq for r in rows) == list(range(1, 9))
    assert {r.status for r in rows} == {"accepted"}
    received = ksef.state.invoices()
    assert len(received) == 8  # no invoice sent twice
    assert len({r.number for r in received}) == 8

    with engine.begin() as conn:  # every order cancelled after invoicing
        conn.execute(update(orders).values(status="cancelled"))
    threads = [threading.Thread(target=run, args=(w, now + timedelta(seconds=2))) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        kor = conn.execute(select(invoices.c.seq, invoices.c.status)
                           .where(invoices.c.kind == "KOR")).all()  # fmt: skip
    assert sorted(r.seq for r in kor) == list(range(1, 9))  # one KOR per invoice, gap-free
    assert len(ksef.state.invoices()) == 16


def test_the_worker_wiring_builds_the_job_from_the_configuration(db_url: str) -> None:
    invoicing = {"nip": SELLER, "name": "Sklep", "address": ["ul. Prosta 1"],
                 "issue_every_s": 5, "send_every_s": 120}  # fmt: skip
    keys = {"OMNISTOCK_PRIVACY_KEYS": f"k1:{generate_key()}",
            "OMNISTOCK_PRIVACY_HASH_KEY": generate_key()}  # fmt: skip
    with bootstrap(Settings(db_url=db_url)) as app:
        assert invoice_job(app, keys) is None  # no [invoicing]: no job
    settings = Settings(db_url=db_url, sections={"invoicing": invoicing})
    with bootstrap(settings) as app:
        issuing_only = invoice_job(app, keys)
        assert issuing_only is not None
        assert issuing_only.ksef is None  # KSeF not configured: invoices are issued, not sent
        assert issuing_only.settings.send_every == timedelta(seconds=120)
        sending = invoice_job(app, keys | {"OMNISTOCK_KSEF_NIP": SELLER,
                                           "OMNISTOCK_KSEF_TOKEN": SECRET})  # fmt: skip
        assert sending is not None
        assert sending.ksef is not None
        with pytest.raises(KeyConfigError):
            invoice_job(app, {})  # invoices carry personal data: no keys, no job
        with pytest.raises(InvalidValue, match="seconds"):
            invoice_job(app.__class__(settings=Settings(db_url=db_url, sections={
                "invoicing": invoicing | {"send_every_s": "often"}}), clock=app.clock,
                engine=app.engine), keys)  # fmt: skip


def test_an_invoice_left_sent_by_a_dead_worker_is_resent_only_after_stale_after(
    engine: Engine,
) -> None:
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    books.order(COMPANY, [("KUBEK-1", 1)], requested=True)
    memory = InMemoryKsef(SELLER)
    t0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    first = job(books, None)
    first.ksef = lambda: _Same(memory)
    first(t0)  # issued and accepted: KSeF has it
    [invoice] = stored(books)
    with books.uow() as uow:  # as if a worker claimed it again and died before recording
        uow.invoices.change(invoice.id, {"status": "sent", "updated_at": t0})
        uow.commit()
    other = job(books, None)
    other.ksef = lambda: _Same(memory)
    soon = other(t0 + timedelta(minutes=5))
    assert soon.sent is not None
    assert (soon.sent.accepted, len(memory.sent)) == ([], 1)  # still the dead worker's claim
    late = other(t0 + timedelta(minutes=16))
    assert late.sent is not None
    assert late.sent.accepted == [invoice.number]
    assert len(memory.sent) == 2
    [again] = stored(books)
    assert (again.status, again.ksef_number) == (InvoiceStatus.ACCEPTED, invoice.ksef_number)
