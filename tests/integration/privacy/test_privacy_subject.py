"""Access and erasure requests over a test-only table: SQLite always, PostgreSQL when set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from privacy_helpers import BOTH_RING, PEOPLE, metadata, people, people_rows, person
from sqlalchemy import Engine, insert, select

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.retention import TAX_ZONE
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import SubjectQuery, erase_subject, export_subject
from omnistock.store.engine import make_engine

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
DELIVERED = NOW - timedelta(days=3)
EVIL = "Ewa <script>alert('x')</script> & Syn"


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_db_url)
    metadata.create_all(engine)
    sealer = Sealer(BOTH_RING, PEOPLE)
    ewa = {**person(1), "name": EVIL, "mail": "ewa@example.pl", "customer_hash": "allegro:ewa"}
    rows = [
        {
            "id": 1,
            **sealer.seal("privacy_people", 1, ewa),
            "delivered_at": DELIVERED,
            "invoiced_at": DELIVERED,
        },
        {
            "id": 2,
            **sealer.seal("privacy_people", 2, {**ewa, "tax": None}),
            "delivered_at": DELIVERED,
            "invoiced_at": None,
        },
        *people_rows(sealer, range(3, 8), delivered_at=DELIVERED, invoiced_at=DELIVERED),
    ]
    with engine.begin() as conn:
        conn.execute(insert(people), rows)
    yield engine
    engine.dispose()


def sealer() -> Sealer:
    return Sealer(BOTH_RING, PEOPLE)


def stored(engine: Engine) -> dict[int, dict[str, object]]:
    with engine.connect() as conn:
        return {r.id: dict(r._mapping) for r in conn.execute(select(people))}


def test_export_finds_every_record_of_the_person_by_any_spelling(db: Engine) -> None:
    export = export_subject(db, sealer(), SubjectQuery(email="  EWA@Example.pl"), NOW)
    assert export.held
    assert [r.record_id for r in export.records] == ["1", "2"]
    first = export.records[0]
    assert first.fields == {
        "name": EVIL,
        "address": person(1)["address"],
        "tax": person(1)["tax"],
        "mail": "ewa@example.pl",
    }  # everything the map declares as exportable, decrypted
    assert first.purposes["tax"].startswith("invoicing: 5 years")
    data = json.loads(export.to_json())
    assert data["held"] is True
    assert data["records"][1]["fields"]["name"]["value"] == EVIL
    assert "Osoba Testowa" not in export.to_json()  # nobody else's data


def test_export_by_customer_id(db: Engine) -> None:
    export = export_subject(db, sealer(), SubjectQuery(customer="allegro:5"), NOW)
    assert [r.record_id for r in export.records] == ["5"]
    assert export.records[0].fields["name"] == "Osoba Testowa 5"


def test_html_rendering_escapes_every_value(db: Engine) -> None:
    page = export_subject(db, sealer(), SubjectQuery(email="ewa@example.pl"), NOW).to_html()
    assert "<script>" not in page
    assert "Ewa &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Syn" in page
    assert "ul. Polna 1" in page


@pytest.mark.parametrize(
    "query",
    [
        SubjectQuery(email="nikt@example.pl"),  # unknown e-mail
        SubjectQuery(phone="600 100 200"),  # no table is searchable by phone here
        SubjectQuery(customer="allegro:999"),  # unknown customer
    ],
)
def test_unknown_person_gets_nothing_held_and_no_one_elses_data(
    db: Engine, query: SubjectQuery
) -> None:
    export = export_subject(db, sealer(), query, NOW)
    assert not export.held
    assert json.loads(export.to_json()) == {
        "held": False,
        "generated_at": NOW.isoformat(),
        "records": [],
    }
    assert "Nothing held" in export.to_html()
    before = stored(db)
    report = erase_subject(db, sealer(), query, NOW)
    assert not report.held
    assert stored(db) == before


def test_erasure_keeps_invoice_data_under_legal_retention_and_removes_the_rest(db: Engine) -> None:
    before = stored(db)
    report = erase_subject(db, sealer(), SubjectQuery(email="ewa@example.pl"), NOW)
    assert sorted(report.erased) == sorted(
        [f"privacy_people.{c}#1" for c in ("name", "address", "mail")]
        + [
            f"privacy_people.{c}#2"
            for c in ("name", "address", "mail", "mail_hash", "customer_hash")
        ]
    )
    kept = {(k.record_id, k.column): k for k in report.kept}
    assert set(kept) == {("1", "tax"), ("1", "mail_hash"), ("1", "customer_hash")}
    assert kept[("1", "tax")].keep_until == datetime(2032, 1, 1, tzinfo=TAX_ZONE)
    assert "legal obligation" in kept[("1", "tax")].reason
    after = stored(db)
    assert (after[1]["name"], after[1]["address"], after[1]["mail"]) == (None, None, None)
    assert after[1]["tax"] == before[1]["tax"]
    assert all(
        after[2][c] is None
        for c in ("name", "address", "tax", "mail", "mail_hash", "customer_hash")
    )
    assert {k: after[k] for k in range(3, 8)} == {
        k: before[k] for k in range(3, 8)
    }  # others untouched
    left = export_subject(db, sealer(), SubjectQuery(email="ewa@example.pl"), NOW)
    assert [(r.record_id, dict(r.fields)) for r in left.records] == [
        ("1", {"tax": person(1)["tax"]})
    ]


def test_erasure_after_the_legal_period_removes_invoice_data_too(db: Engine) -> None:
    later = datetime(2032, 1, 2, tzinfo=UTC)
    report = erase_subject(db, sealer(), SubjectQuery(customer="allegro:ewa"), later)
    assert report.kept == ()
    assert not export_subject(db, sealer(), SubjectQuery(email="ewa@example.pl"), later).held
    row = stored(db)[1]
    assert all(
        row[c] is None for c in ("name", "address", "tax", "mail", "mail_hash", "customer_hash")
    )


def test_a_request_needs_an_identifier() -> None:
    with pytest.raises(InvalidValue) as caught:
        SubjectQuery(email=" ", phone=None)
    assert caught.value.field == "subject"
