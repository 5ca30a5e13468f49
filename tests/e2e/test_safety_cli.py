"""``omnistock holds|pause|resume|incidents|notify`` run as a user runs them (subprocesses)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select

from omnistock.channels.fake import InMemoryChannel
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer
from omnistock.sandbox.smsapi.app import create_app as create_smsapi
from omnistock.service.clock import FixedClock
from omnistock.service.holds import safety_parts
from omnistock.service.stock import import_stock
from omnistock.store.engine import make_engine
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.tables import channels, listings, products
from omnistock.store.unit_of_work import SqlUnitOfWork
from omnistock.sync.dispatcher import SyncConfig
from omnistock.sync.worker import Worker

pytestmark = pytest.mark.e2e
NOW = datetime.now(UTC).replace(microsecond=0)


def _held(db: Path) -> str:
    """Make the guard hold an all-zero import on one channel (in-process); the hold's id."""
    engine = make_engine(f"sqlite:///{db}")
    stock = {f"SKU-{i}": 20 + i for i in range(10)}
    fake = InMemoryChannel(name="fake")
    with engine.begin() as conn:
        conn.execute(insert(channels).values(name="fake", kind="woocommerce"))
        conn.execute(
            insert(products),
            [{"sku": s, "name": s, "vat": "23", "unit": "szt.", "price_gross": 1} for s in stock],
        )
        conn.execute(
            insert(listings),
            [
                {"channel": "fake", "sku": s, "offer_id": f"o-{s}", "observed_at": NOW}
                for s in stock
            ],
        )
    parts = safety_parts(engine, {})

    def load(values: dict[str, int], at: datetime) -> None:
        text = "sku,warehouse,on_hand\n" + "".join(f"{s},main,{q}\n" for s, q in values.items())
        import_stock(SqlUnitOfWork(engine), text, source="erp", actor="t", now=at, gate=parts.gate)

    load(stock, NOW - timedelta(hours=2))
    config = SyncConfig(guard=parts.guard, reread=parts.reread, paused=parts.paused)
    clock = FixedClock(NOW - timedelta(hours=2))
    worker = Worker(
        store=parts.sync, adapters={"fake": fake}, clock=clock, config=config, rng=random.Random(1)
    )
    worker.run_once()  # synced
    clock.set(NOW)
    load(dict.fromkeys(stock, 0), NOW)
    worker.run_once()
    (hold,) = parts.safety.holds()
    engine.dispose()
    return hold.id


def test_holds_list_show_reject_and_incidents(cli, tmp_path: Path) -> None:
    hold_id = _held(tmp_path / "omnistock.db")
    listed = cli("holds", "list", "--json")
    assert listed.code == 0, listed.err
    assert [(h["id"], h["status"], h["count"]) for h in listed.json()] == [(hold_id, "pending", 10)]
    (incident,) = cli("incidents", "list", "--json").json()
    assert (incident["kind"], incident["severity"]) == ("guard_hold", "critical")
    assert cli("incidents", "ack", incident["id"], "--by", "piotr").code == 0

    rejected = cli("holds", "reject", hold_id, "--by", "anna", "--note", "ERP export broke")
    assert rejected.code == 0, rejected.err
    shown = cli("holds", "show", hold_id, "--json").json()
    assert (shown["status"], shown["decided_by"], shown["note"]) == (
        "rejected",
        "anna",
        "ERP export broke",
    )
    assert [e["action"] for e in shown["audit"]] == ["held", "rejected"]
    assert {i["quantity"] for i in shown["items"]} == {0}
    assert (shown["channels"], {i["channel"] for i in shown["items"]}) == (["fake"], {"fake"})
    again = cli("holds", "approve", hold_id)
    assert again.code == 2
    assert "no longer pending" in again.err or "already" in again.err
    (resolved,) = cli("incidents", "list", "--all", "--json").json()
    assert (resolved["state"], resolved["acknowledged_by"], resolved["resolved_by"]) == (
        "resolved",
        "piotr",
        "anna",
    )
    unknown = cli("holds", "show", "nope")
    assert unknown.code == 2
    assert "no hold 'nope'" in unknown.err
    engine = make_engine(f"sqlite:///{tmp_path / 'omnistock.db'}")
    try:
        with engine.begin() as conn:
            pushed = set(conn.execute(select(listings.c.last_pushed)).scalars())
        assert 0 not in pushed  # nothing held was ever sent
    finally:
        engine.dispose()


def test_pause_and_resume(cli, tmp_path: Path) -> None:
    assert cli("pause").code == 2  # neither --channel nor --all
    assert cli("pause", "--channel", "allegro", "--by", "anna").code == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'omnistock.db'}")
    try:
        store = SafetyStore(engine)
        assert store.paused() == {"allegro"}
        assert cli("resume", "--all").code == 0
        assert store.paused() == set()
        assert not store.is_paused("allegro")
    finally:
        engine.dispose()


@pytest.fixture
def smsapi() -> Iterator[str]:
    server = SandboxServer(create_smsapi(SandboxOptions())).start()
    try:
        yield server.url
    finally:
        server.stop()


def test_notify_test_sends_an_sms_through_the_sandbox(cli, tmp_path: Path, smsapi: str) -> None:
    (tmp_path / "omnistock.toml").write_text(
        "[notify.sms]\n"
        'recipients = ["48600100200"]\n'
        f'base_url = "{smsapi}"\n'
        'token = "omnistock-sandbox"\n',
        encoding="utf-8",
    )
    result = cli("notify", "test", "--via", "sms")
    assert result.code == 0, result.err
    (message,) = httpx.get(f"{smsapi}/_sandbox/messages").json()
    assert "test message" in message["message"]
    missing = cli("notify", "test", "--via", "email")
    assert missing.code == 2
    assert "no email sender" in missing.err


def test_notify_test_reports_a_refused_token(cli, tmp_path: Path, smsapi: str) -> None:
    (tmp_path / "omnistock.toml").write_text(
        f'[notify.sms]\nrecipients = ["48600100200"]\nbase_url = "{smsapi}"\ntoken = "wrong"\n',
        encoding="utf-8",
    )
    result = cli("notify", "test", "--via", "sms")
    assert result.code == 1
    assert "failed" in result.err


def test_stock_import_rejects_a_truncated_feed_with_an_incident(cli, tmp_path: Path) -> None:
    skus = [f"SKU-{i}" for i in range(40)]
    products_csv = tmp_path / "products.csv"
    products_csv.write_text(
        "sku,name,ean,vat,price\n" + "".join(f"{s},{s},,23,9.99\n" for s in skus)
    )
    assert cli("product", "import", str(products_csv)).code == 0
    full = tmp_path / "full.csv"
    full.write_text("sku,warehouse,on_hand\n" + "".join(f"{s},main,7\n" for s in skus))
    for _ in range(3):  # the source's usual size is learnt from its accepted feeds
        assert cli("stock", "import", str(full), "--source", "erp").code == 0
    full.write_text("sku,warehouse,on_hand\n" + "".join(f"{s},main,8\n" for s in skus))
    assert cli("stock", "import", str(full), "--source", "erp").code == 0
    truncated = tmp_path / "truncated.csv"
    truncated.write_text("sku,warehouse,on_hand\n" + "".join(f"{s},main,1\n" for s in skus[:5]))

    rejected = cli("stock", "import", str(truncated), "--source", "erp")

    assert rejected.code == 2
    assert "feed" in rejected.err
    assert cli("stock", "show", "SKU-0", "--json").json()["on_hand"] == 8
    kinds = [i["kind"] for i in cli("incidents", "list", "--json").json()]
    assert kinds, "a rejected feed raises an incident"
