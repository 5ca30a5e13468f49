"""No personal value is readable in the raw SQLite file; sealed values outside the map are found."""

from __future__ import annotations

from pathlib import Path

from privacy_helpers import BOTH_RING, PEOPLE, metadata, people, people_rows, person
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert

from omnistock.privacy.cipher import FieldRef
from omnistock.privacy.scan import database_files, plaintext_hits, sealed_outside_map
from omnistock.privacy.sealing import Sealer
from omnistock.store.engine import make_engine

SECRETS = [
    "Osoba Testowa 17",
    "ul. Polna 17",
    "osoba17@example.pl",
    "526-104-08-28",  # the NIP in the tax JSON, written with dashes
    "allegro:17",
]


def scan_after_storing(tmp_path: Path, rows: list[dict[str, object]]) -> dict[str, list[str]]:
    """Store ``rows``, then scan the database file and its WAL while the engine is open."""
    path = tmp_path / "scan.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(insert(people), rows)
        files = database_files(path)
        assert [f.name for f in files] == ["scan.db", "scan.db-wal"]  # WAL not checkpointed yet
        return plaintext_hits(files, SECRETS)
    finally:
        engine.dispose()


def test_sealed_records_leave_no_personal_value_in_the_raw_file(tmp_path: Path) -> None:
    rows = list(people_rows(Sealer(BOTH_RING, PEOPLE), range(40)))
    assert scan_after_storing(tmp_path, rows) == {}


def test_the_scan_finds_values_stored_in_clear(tmp_path: Path) -> None:
    plain = {
        "id": 17,
        "name": person(17)["name"],
        "mail": "OSOBA17@example.pl",
        "tax": "5261040828",
    }
    hits = scan_after_storing(tmp_path, [plain])
    assert set(hits) == {"Osoba Testowa 17", "osoba17@example.pl", "526-104-08-28"}


def test_sealed_values_in_undeclared_columns_are_reported(empty_db_url: str) -> None:
    extra = MetaData()
    notes = Table(
        "privacy_notes",
        extra,
        Column("id", Integer, primary_key=True),
        Column("note", Text),
        Column("size", Integer),
    )
    engine = make_engine(empty_db_url)
    try:
        metadata.create_all(engine)
        extra.create_all(engine)
        sealer = Sealer(BOTH_RING, PEOPLE)
        token = sealer.cipher.seal(
            "Osoba", FieldRef(table="privacy_notes", column="note", record_id="1")
        )
        with engine.begin() as conn:
            conn.execute(insert(people), list(people_rows(sealer, range(3))))
            conn.execute(
                insert(notes),
                [
                    {"id": 1, "note": "v1 notes: plain", "size": 1},
                    {"id": 2, "note": None, "size": 3},
                ],
            )
        both = MetaData()
        for table in (people, notes):
            table.to_metadata(both)
        assert sealed_outside_map(engine, both, PEOPLE) == []  # declared columns only
        with engine.begin() as conn:
            conn.execute(insert(notes), [{"id": 3, "note": token}])
        assert sealed_outside_map(engine, both, PEOPLE) == ["privacy_notes.note"]
    finally:
        engine.dispose()


def test_scan_finds_polish_capitals_and_json_escaped_values(tmp_path: Path) -> None:
    """``bytes.lower`` leaves non-ASCII letters alone: ``Żółta Łódź`` must still be found, and so
    must a value written by ``json.dumps`` with its default ``\\uXXXX`` escapes."""
    clear, escaped = tmp_path / "clear.bin", tmp_path / "escaped.bin"
    clear.write_bytes("x ŻÓŁTA Łódź sp. z o.o. y".encode())
    escaped.write_bytes(b'{"name": "\\u0141ukasz \\u015awi\\u0105tek"}')
    assert plaintext_hits([clear], ["ŻÓŁTA Łódź"]) == {"ŻÓŁTA Łódź": ["clear.bin"]}
    assert plaintext_hits([clear], ["żółta łódź"]) == {}  # non-ASCII case is not folded
    assert plaintext_hits([escaped], ["Łukasz Świątek"]) == {"Łukasz Świątek": ["escaped.bin"]}
