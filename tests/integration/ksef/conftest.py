"""A running KSeF sandbox and clients whose waits advance the sandbox clock (no real sleeping)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest

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
from omnistock.invoicing.ksef import KsefClient, KsefSettings
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.ksef import KsefSandbox, create_app
from omnistock.sandbox.ksef.state import DEFAULT_LIMITS

NIP = "5261040828"
TOKEN = "omnistock-sandbox"


@dataclass
class KsefEnv:
    """The sandbox state, its URL, and every wait the clients asked for (sandbox seconds)."""

    sandbox: KsefSandbox
    url: str
    waits: list[float] = field(default_factory=list)
    clients: list[KsefClient] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        """A client's wait: recorded, and sandbox time moves on instead of real time."""
        self.waits.append(seconds)
        self.sandbox.clock.advance(seconds * self.sandbox.clock.time_scale)

    def client(self, **settings: object) -> KsefClient:
        values: dict[str, object] = {
            "base_url": self.url, "nip": NIP, "token": TOKEN, "poll_interval": 0.5,
            "poll_timeout": 30.0, "timeout": 10.0,
        }  # fmt: skip
        values.update(settings)
        client = KsefClient(KsefSettings(**values), sleep=self.sleep, now=self.sandbox.clock.now)  # type: ignore[arg-type]
        self.clients.append(client)
        return client


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[KsefSandbox, str]]:
    app = create_app(SandboxOptions())
    with SandboxServer(app) as running:
        yield app.state.sandbox, running.url


@pytest.fixture
def env(server: tuple[KsefSandbox, str]) -> Iterator[KsefEnv]:
    sandbox, url = server
    sandbox.reset()
    sandbox.set_limits(DEFAULT_LIMITS)
    running = KsefEnv(sandbox=sandbox, url=url)
    yield running
    for client in running.clients:
        client.close()


SELLER = Seller(
    nip=NIP, name="Przykładowy Sklep sp. z o.o.",
    address=Address(line1="ul. Prosta 1", line2="00-001 Warszawa"),
)  # fmt: skip
BUYER = Buyer.company(
    nip="1111111111", name="F.H.U. Jan Kowalski", address=Address(line1="ul. Polna 1")
)


def invoice_xml(number: str, *, net: str = "10.00", quantity: str = "3") -> bytes:
    """A valid FA(3) document (omnistock's writer, XSD + arithmetic gate) numbered ``number``."""
    today = datetime.now(UTC).date()
    invoice = Invoice(
        number=number, issue_date=today, sale_date=today, seller=SELLER, buyer=BUYER,
        lines=(InvoiceLine(name="Kubek ceramiczny 300 ml", quantity=Decimal(quantity),
                           net_price=Decimal(net), vat=VatRate.R23),),
        payment=Payment(form=PaymentForm.TRANSFER, paid_on=today),
        order=OrderRef(number=f"ORD-{number}", ordered_on=today),
    )  # fmt: skip
    return render(invoice, created_at=datetime.now(UTC))


@pytest.fixture
def make_xml() -> Callable[..., bytes]:
    return invoice_xml
