"""End to end: the real ``omnistock invoice`` CLI against the KSeF sandbox over real HTTP.

Orders from Allegro and the shop are written straight into the order tables (sealed personal
data, keys passed to the CLI through the environment) — the order importer is tested by its own
area; here the invoice flow is: issue → send (KSeF numbers + UPOs stored) → PDF → a correction
after a return → a resend after a simulated crash, which must not create a second invoice.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine, insert, select, update

from omnistock.domain.orders import Address, PersonalData
from omnistock.invoicing import fa3
from omnistock.privacy.cipher import is_sealed
from omnistock.privacy.keys import keyring_from_text
from omnistock.privacy.sealing import Sealer
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.ksef import KsefSandbox, create_app
from omnistock.service.order_privacy import PrivacySealer
from omnistock.store.engine import make_engine
from omnistock.store.invoice_tables import invoices
from omnistock.store.migrate import upgrade_to_head
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.tables import products

pytestmark = pytest.mark.e2e

NIP = "5261040828"
NOW = datetime.now(UTC)
CONFIG = """
[invoicing]
nip = "5261040828"
name = "Przykładowy Sklep sp. z o.o."
address = ["ul. Prosta 1", "00-001 Warszawa"]
bank_account = "PL61109010140000071219812874"
"""


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@dataclass
class World:
    folder: Path
    env: dict[str, str]
    sandbox: KsefSandbox
    sealer: PrivacySealer

    @property
    def db(self) -> str:
        return f"sqlite:///{self.folder / 'omnistock.db'}"

    def run(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "omnistock", *args], cwd=self.folder,
                              env=self.env, capture_output=True, text=True, encoding="utf-8",
                              timeout=120, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json"))

    def order(self, channel: str, external_id: str, personal: PersonalData, **kw: Any) -> int:
        engine = create_engine(self.db)
        with engine.begin() as conn:
            order_id = conn.execute(insert(orders).values(
                channel=channel, external_id=external_id, status="paid", first_seen_at=NOW,
                last_seen_at=NOW, **kw).returning(orders.c.id)).scalar_one()  # fmt: skip
            conn.execute(update(orders).where(orders.c.id == order_id)
                         .values(**self.sealer.seal_order(order_id, personal)))  # fmt: skip
            conn.execute(insert(order_lines), [
                {"order_id": order_id, "line_id": str(n), "offer_id": f"o{n}", "sku": sku,
                 "quantity": qty} for n, (sku, qty) in enumerate([("KUBEK", 2), ("TALERZ", 1)])
            ])  # fmt: skip
        engine.dispose()
        return int(order_id)

    def xml(self, number: str) -> bytes:
        """The stored document: sealed in the database (never plain XML), opened with the keys."""
        engine = create_engine(self.db)
        with engine.connect() as conn:
            c = invoices.c
            row = conn.execute(select(c.id, c.xml).where(c.number == number)).one()
        engine.dispose()
        assert is_sealed(row.xml)
        opened = self.sealer.sealer.open("invoices", row.id, {"xml": row.xml})["xml"]
        assert isinstance(opened, bytes)
        return opened

    def accepted_in_ksef(self) -> list[str]:
        return [r.ksef_number for r in self.sandbox.invoices() if r.code == 200 and r.ksef_number]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    engine = make_engine(f"sqlite:///{tmp_path / 'omnistock.db'}")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.execute(insert(products), [
            {"sku": "KUBEK", "name": "Kubek żółty", "vat": "23", "unit": "szt.",
             "price_gross": Decimal("12.30")},
            {"sku": "TALERZ", "name": "Talerz głęboki", "vat": "8", "unit": "szt.",
             "price_gross": Decimal("20.00")},
        ])  # fmt: skip
    engine.dispose()
    (tmp_path / "omnistock.toml").write_text(CONFIG, encoding="utf-8")
    keys, hash_key = f"e1:{_key()}", _key()
    sealer = PrivacySealer(Sealer(keyring_from_text(keys, hash_key)))
    app = create_app(SandboxOptions())
    with SandboxServer(app) as running:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
        env.update({"COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8",
                    "OMNISTOCK_DB": f"sqlite:///{tmp_path / 'omnistock.db'}",
                    "OMNISTOCK_PRIVACY_KEYS": keys, "OMNISTOCK_PRIVACY_HASH_KEY": hash_key,
                    "OMNISTOCK_KSEF_URL": running.url, "OMNISTOCK_KSEF_NIP": NIP,
                    "OMNISTOCK_KSEF_TOKEN": "omnistock-sandbox"})  # fmt: skip
        yield World(folder=tmp_path, env=env, sandbox=app.state.sandbox, sealer=sealer)


COMPANY = PersonalData(
    name="Jan Kowalski", nip="7740001454",
    invoice=Address(company="Żółta Łódź sp. z o.o.", street="ul. Długa 5", city="Gdańsk",
                    post_code="80-001", country="pl"),
)  # fmt: skip
CONSUMER = PersonalData(
    name="Zofia Źdźbło",
    delivery=Address(name="Zofia Źdźbło", street="ul. Krótka 2", city="Kraków", post_code="30-001"),
)


def test_orders_from_allegro_and_the_shop_are_invoiced_sent_and_corrected(world: World) -> None:
    allegro = world.order("allegro-main", "a-1001", COMPANY, invoice_requested=True)
    shop_b2b = world.order("shop", "w-77", COMPANY, invoice_requested=True)
    shop_consumer = world.order("shop", "w-78", CONSUMER)
    numbers = [
        world.json("invoice", "issue", str(allegro))["number"],
        world.json("invoice", "issue", str(shop_b2b))["number"],
        world.json("invoice", "issue", str(shop_consumer), "--request")["number"],
    ]
    assert numbers == [f"FV/{NOW:%Y/%m}/{n:04d}" for n in (1, 2, 3)]

    sent = world.json("invoice", "send", "--pending")
    assert sent["accepted"] == numbers
    listed = world.json("invoice", "list")
    assert [v["status"] for v in listed] == ["accepted"] * 3
    assert sorted(v["ksef_number"] for v in listed) == sorted(world.accepted_in_ksef())
    assert all(v["has_upo"] for v in listed)
    assert world.run("invoice", "xml", numbers[2]).encode() == world.xml(numbers[2])
    for number in numbers:
        assert fa3.inspect(world.xml(number)).ok

    first = next(v for v in listed if v["number"] == numbers[0])
    world.run("invoice", "pdf", numbers[0], "-o", "fv.pdf")
    text = PdfReader(io.BytesIO((world.folder / "fv.pdf").read_bytes())).pages[0].extract_text()
    assert numbers[0] in text
    assert first["ksef_number"] in text
    assert "Żółta Łódź" in text

    # the Allegro buyer returns one mug: a correction referencing the original's KSeF number
    kor = world.json(
        "invoice", "correct", numbers[0], "--reason", "Zwrot towaru", "--return", "1=1"
    )
    assert kor["number"].startswith("KOR/")
    assert kor["gross"] == "-12.30"
    kor_xml = world.xml(kor["number"])
    assert f"<NrKSeFFaKorygowanej>{first['ksef_number']}<".encode() in kor_xml
    assert fa3.inspect(kor_xml).ok
    assert world.json("invoice", "send")["accepted"] == [kor["number"]]
    assert len(world.accepted_in_ksef()) == 4
    kor_in_ksef = set(world.accepted_in_ksef()) - {v["ksef_number"] for v in listed}

    # crash after KSeF accepted the correction but before omnistock recorded it: send again
    engine = create_engine(world.db)
    with engine.begin() as conn:
        conn.execute(update(invoices).where(invoices.c.number == kor["number"])
                     .values(status="sent", ksef_number=None, upo=None))  # fmt: skip
    assert world.json("invoice", "send")["accepted"] == [kor["number"]]
    with engine.connect() as conn:
        row = conn.execute(select(invoices).where(invoices.c.number == kor["number"])).one()
    engine.dispose()
    assert row.upo is not None
    assert len(world.accepted_in_ksef()) == 4  # still one KOR in KSeF
    assert {row.ksef_number} == kor_in_ksef  # the same number as before the crash
