"""``omnistock privacy …`` in process (Typer's runner) on a migrated database with real orders:
export and erase audited, unknown person, rotation summary and resume, sweep, data map."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from privacy_helpers import OLD_RING, keys_env
from sqlalchemy import Engine, insert, select
from typer.testing import CliRunner

from omnistock.entrypoints.cli import _register, app
from omnistock.privacy.cipher import key_id
from omnistock.privacy.inventory import render_markdown
from omnistock.privacy.keys import KeyConfigError
from omnistock.privacy.sealing import Sealer
from omnistock.store.order_tables import orders
from omnistock.store.privacy_repository import audit_entries

NOW = datetime.now(UTC)


def buyer(n: int) -> dict[str, object]:
    return {
        "buyer_name": f"Zofia Nowakowska-{n}",
        "delivery_address": {"name": f"Zofia {n}", "street": f"Lipowa {n}", "city": "Gdańsk"},
        "invoice_address": {"name": f"Sklep {n}", "nip": "5261040828"} if n % 2 else None,
        "buyer_email": f"zofia{n}@example.pl",
        "buyer_phone": f"601 200 {n:03d}",
        "buyer_ref_hash": f"allegro:{n}",
    }


def add_orders(engine: Engine, count: int, *, delivered_days_ago: int = 5) -> None:
    sealer, delivered = Sealer(OLD_RING), NOW - timedelta(days=delivered_days_ago)
    with engine.begin() as conn:
        for n in range(1, count + 1):
            conn.execute(
                insert(orders).values(
                    id=n,
                    channel="allegro",
                    external_id=f"cli-{n}",
                    first_seen_at=delivered,
                    last_seen_at=delivered,
                    delivered_at=delivered,
                    invoiced_at=delivered if n % 2 else None,
                    **sealer.seal("orders", n, buyer(n)),
                )
            )


@pytest.fixture
def cli(db_url: str) -> CliRunner:
    _register()
    return CliRunner(env={"OMNISTOCK_DB": db_url, **keys_env("old")})


def test_export_prints_everything_held_and_is_audited(
    cli: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    add_orders(engine, 3)
    page = tmp_path / "zofia.html"
    done = cli.invoke(
        app, ["privacy", "export", "--email", "ZOFIA3@example.pl", "--json", "--html", str(page)]
    )
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    assert [r["record_id"] for r in found["records"]] == ["3"]
    fields = found["records"][0]["fields"]
    assert fields["buyer_name"]["value"] == "Zofia Nowakowska-3"
    assert fields["invoice_address"]["value"]["nip"] == "5261040828"
    assert "Lipowa 3" in page.read_text(encoding="utf-8")
    [entry] = audit_entries(engine)
    assert (entry.action, entry.surface, entry.identifier_kind) == ("export", "cli", "email")
    assert (entry.records, entry.fields) == (1, len(fields))
    assert len(entry.identifier_hash) == 64
    assert "zofia" not in entry.identifier_hash
    assert entry.actor.startswith("cli:")


def test_unknown_person_is_nothing_held_and_still_audited(cli: CliRunner, engine: Engine) -> None:
    add_orders(engine, 2)
    shown = cli.invoke(app, ["privacy", "export", "--phone", "+48 700 000 000"])
    erased = cli.invoke(app, ["privacy", "erase", "--customer", "allegro:999", "--yes"])
    assert (shown.exit_code, erased.exit_code) == (0, 0)
    assert "nothing held" in shown.stdout
    assert "nothing held" in erased.stdout
    assert "Zofia" not in shown.stdout + erased.stdout
    assert [(e.action, e.records) for e in audit_entries(engine)] == [("export", 0), ("erase", 0)]


def test_erase_keeps_invoice_data_and_says_why(cli: CliRunner, engine: Engine) -> None:
    add_orders(engine, 2)
    done = cli.invoke(app, ["privacy", "erase", "--phone", "601200001", "--yes", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert {k["field"] for k in report["kept"]} >= {"orders.invoice_address#1"}
    assert all("art. 6(1)(c)" in k["reason"] or "kept so" in k["reason"] for k in report["kept"])
    assert "orders.buyer_name#1" in report["erased"]
    left = cli.invoke(app, ["privacy", "export", "--customer", "allegro:1", "--json"])
    assert list(json.loads(left.stdout)["records"][0]["fields"]) == ["invoice_address"]
    entries = audit_entries(engine)
    assert next((e.action, e.records, e.kept) for e in entries) == ("erase", 1, 4)
    with engine.connect() as conn:
        other = conn.execute(select(orders.c.buyer_name).where(orders.c.id == 2)).scalar_one()
    assert other is not None  # nobody else touched


def test_erase_asks_before_erasing(cli: CliRunner, engine: Engine) -> None:
    add_orders(engine, 1)
    done = cli.invoke(app, ["privacy", "erase", "--email", "zofia1@example.pl"], input="n\n")
    assert done.exit_code == 1
    assert audit_entries(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(orders.c.buyer_name)).scalar_one() is not None


def test_exactly_one_identifier_and_keys_are_required(cli: CliRunner, engine: Engine) -> None:
    add_orders(engine, 1)
    both = cli.invoke(app, ["privacy", "export", "--email", "a@b.pl", "--phone", "600100200"])
    assert "exactly one" in str(both.exception)
    nokeys = cli.invoke(
        app,
        ["privacy", "export", "--email", "zofia1@example.pl"],
        env={"OMNISTOCK_PRIVACY_KEYS": "", "OMNISTOCK_PRIVACY_HASH_KEY": ""},
    )
    assert isinstance(nokeys.exception, KeyConfigError)
    assert audit_entries(engine) == []


def test_rotate_key_reencrypts_everything_and_resumes(cli: CliRunner, engine: Engine) -> None:
    add_orders(engine, 7)
    done = cli.invoke(app, ["privacy", "rotate-key", "--batch", "3"], env=keys_env("new,old"))
    assert done.exit_code == 0, done.output
    assert "7 records re-encrypted in 3 batches; 0 left" in done.stdout
    with engine.connect() as conn:
        names = conn.execute(select(orders.c.buyer_name)).scalars().all()
    assert {key_id(n) for n in names} == {"new"}
    again = cli.invoke(app, ["privacy", "rotate-key"], env=keys_env("new,old"))
    assert "0 records re-encrypted" in again.stdout
    readable = cli.invoke(
        app, ["privacy", "export", "--customer", "allegro:7", "--json"], env=keys_env("new")
    )
    assert json.loads(readable.stdout)["records"][0]["fields"]["buyer_name"]["value"].endswith("-7")


def test_sweep_empties_expired_data_and_keeps_invoices(cli: CliRunner, engine: Engine) -> None:
    add_orders(engine, 4, delivered_days_ago=90)
    done = cli.invoke(app, ["privacy", "sweep", "--json"])
    assert done.exit_code == 0, done.output
    emptied = json.loads(done.stdout)["emptied"]
    assert emptied["orders.buyer_name"] == 4
    assert "orders.invoice_address" not in emptied
    with engine.connect() as conn:
        kept = conn.execute(select(orders.c.id).where(orders.c.invoice_address.is_not(None)))
        assert kept.scalars().all() == [1, 3]


def test_datamap_prints_the_declared_map(cli: CliRunner) -> None:
    assert cli.invoke(app, ["privacy", "datamap", "--markdown"]).stdout == render_markdown()
    table = cli.invoke(app, ["privacy", "datamap"], env={"COLUMNS": "250"})
    assert "orders.buyer_name" in table.stdout
    assert "art. 6(1)(c)" in table.stdout


def test_export_and_erase_tables_for_people(cli: CliRunner, engine: Engine) -> None:
    add_orders(engine, 1)
    shown = cli.invoke(
        app, ["privacy", "export", "--customer", "allegro:1"], env={"COLUMNS": "250"}
    )
    assert shown.exit_code == 0, shown.output
    assert "Lipowa 1" in shown.stdout
    assert "purpose and retention" in shown.stdout
    assert "5261040828" in shown.stdout
    erased = cli.invoke(app, ["privacy", "erase", "--customer", "allegro:1", "--yes"])
    assert "erased 4 fields; kept 4" in erased.stdout
    assert "legal obligation" in erased.stdout
