"""The service with the real KSeF client over HTTP: a queue larger than ``online_max`` → batch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from invoice_harness import COMPANY, SELLER_NIP, T0, Books
from sqlalchemy import Engine

from omnistock.invoicing.ksef import KsefClient, KsefSettings
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.ksef import KsefSandbox, create_app
from omnistock.service.invoices import issue_for_order, send_pending
from omnistock.store.invoice_repository import InvoiceStatus


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[KsefSandbox, str]]:
    app = create_app(SandboxOptions())
    with SandboxServer(app) as running:
        yield app.state.sandbox, running.url


def test_a_large_queue_goes_in_a_batch_session_and_every_number_and_upo_is_stored(
    engine: Engine, sandbox: tuple[KsefSandbox, str]
) -> None:
    state, url = sandbox
    state.reset()
    books = Books(engine)
    books.product("KUBEK-1", "12.30")
    for _ in range(5):
        order_id = books.order(COMPANY, [("KUBEK-1", 1)])
        issue_for_order(books.uow(), order_id, now=T0, config=books.config, sealer=books.sealer,
                        incidents=books.incidents)  # fmt: skip

    def sleep(seconds: float) -> None:
        state.clock.advance(seconds * state.clock.time_scale)

    settings = KsefSettings(base_url=url, nip=SELLER_NIP, token="omnistock-sandbox",
                            poll_interval=0.5, online_max=2)  # fmt: skip
    with KsefClient(settings, sleep=sleep, now=state.clock.now) as ksef:
        summary = send_pending(books.uow(), ksef, T0, incidents=books.incidents)
    assert len(summary.accepted) == 5
    in_ksef = {r.ksef_number for r in state.invoices() if r.code == 200}
    with books.uow() as uow:
        stored = uow.invoices.listing()
    assert {s.status for s in stored} == {InvoiceStatus.ACCEPTED}
    assert {s.ksef_number for s in stored} == in_ksef
    assert all(s.upo for s in stored)  # the batch's collective UPO
    assert {r.session for r in state.invoices()} == {state.invoices()[0].session}  # one session
