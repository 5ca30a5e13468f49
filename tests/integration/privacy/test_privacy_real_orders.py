"""The privacy engine on the store's real ``orders`` table (migrated schema, SQLite and PostgreSQL):
sealing, rotation, export, erasure and sweep through the declared ``DATA_MAP``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from privacy_helpers import BOTH_RING, OLD_RING
from sqlalchemy import Engine, insert, select

from omnistock.channels.allegro.tokens import TokenPair
from omnistock.privacy.cipher import FieldCipher, key_id
from omnistock.privacy.inventory import DATA_MAP, SEALED_SECRETS
from omnistock.privacy.keys import Keyring
from omnistock.privacy.rotation import pending, rotate
from omnistock.privacy.scan import sealed_outside_map
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import SubjectQuery, erase_subject, export_subject
from omnistock.privacy.sweep import sweep
from omnistock.store.channel_token_repository import DbTokenStore
from omnistock.store.order_tables import orders
from omnistock.store.tables import metadata

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
NEW_ONLY = Keyring(active="new", keys={"new": BOTH_RING.key("new")}, hash_key=BOTH_RING.hash_key)


def buyer(n: int) -> dict[str, object]:
    return {
        "buyer_name": f"Kupujący {n}",
        "delivery_address": {"name": f"Kupujący {n}", "street": f"Leśna {n}", "city": "Poznań"},
        "invoice_address": {"name": f"Firma {n}", "nip": "5261040828"} if n % 2 else None,
        "buyer_email": f"kupujacy{n}@example.pl",
        "buyer_phone": f"600 100 {n:03d}",
        "buyer_ref_hash": f"allegro:{n}",
    }


def add_orders(engine: Engine, count: int, sealer: Sealer) -> None:
    delivered = NOW - timedelta(days=5)
    with engine.begin() as conn:
        for n in range(1, count + 1):
            conn.execute(
                insert(orders).values(
                    id=n,
                    channel="allegro",
                    external_id=f"cf-{n}",
                    first_seen_at=NOW,
                    last_seen_at=NOW,
                    delivered_at=delivered,
                    invoiced_at=delivered if n % 2 else None,
                    **sealer.seal("orders", n, buyer(n)),
                )
            )


def test_rotation_export_and_erasure_work_on_the_real_orders_table(engine: Engine) -> None:
    add_orders(engine, 6, Sealer(OLD_RING))
    assert sealed_outside_map(engine, metadata, DATA_MAP) == []
    assert rotate(engine, FieldCipher(BOTH_RING), DATA_MAP, batch_size=4).complete
    with engine.connect() as conn:
        names = conn.execute(select(orders.c.buyer_name)).scalars().all()
    assert {key_id(n) for n in names} == {"new"}
    sealer = Sealer(NEW_ONLY)
    export = export_subject(engine, sealer, SubjectQuery(phone="+48 600-100-003"), NOW)
    assert [r.record_id for r in export.records] == ["3"]
    assert export.records[0].fields["invoice_address"] == {"name": "Firma 3", "nip": "5261040828"}
    report = erase_subject(engine, sealer, SubjectQuery(email="KUPUJACY3@example.pl"), NOW)
    assert {k.column for k in report.kept} == {
        "invoice_address",
        "buyer_email_hash",
        "buyer_phone_hash",
        "buyer_ref_hash",
    }
    left = export_subject(engine, sealer, SubjectQuery(customer="allegro:3"), NOW)
    assert list(left.records[0].fields) == ["invoice_address"]


def test_sweep_on_the_real_orders_table(engine: Engine) -> None:
    add_orders(engine, 4, Sealer(BOTH_RING))
    report = sweep(engine, DATA_MAP, NOW + timedelta(days=60))
    assert report.emptied["orders.buyer_name"] == 4
    assert report.emptied["orders.buyer_email_hash"] == 2  # orders without invoice data
    with engine.connect() as conn:
        kept = conn.execute(select(orders.c.id).where(orders.c.invoice_address.is_not(None)))
        assert kept.scalars().all() == [1, 3]


def test_rotation_covers_the_sealed_channel_tokens(engine: Engine) -> None:
    pair = TokenPair(access_token="acc-1", refresh_token="ref-1", expires_at=NOW)
    DbTokenStore(engine, "allegro-main", cipher=FieldCipher(OLD_RING)).save(pair)
    tokens = ["channel_tokens.access_token", "channel_tokens.refresh_token"]
    assert sealed_outside_map(engine, metadata, DATA_MAP) == tokens  # not personal data…
    assert sealed_outside_map(engine, metadata, DATA_MAP, SEALED_SECRETS) == []  # …but rotated
    assert pending(engine, DATA_MAP, "new", also=SEALED_SECRETS)["channel_tokens"] == 1
    report = rotate(engine, FieldCipher(BOTH_RING), DATA_MAP, also=SEALED_SECRETS)
    assert report.complete
    assert report.resealed == 1
    loaded = DbTokenStore(engine, "allegro-main", cipher=FieldCipher(NEW_ONLY)).load()
    assert loaded == pair  # readable with the new key alone: the old one may be retired
