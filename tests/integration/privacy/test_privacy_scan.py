"""No personal value of the test table is readable in the raw SQLite file (database + WAL)."""

from __future__ import annotations

from pathlib import Path

from privacy_helpers import BOTH_RING, PEOPLE, metadata, people, people_rows, person
from sqlalchemy import insert

from omnistock.privacy.scan import database_files, plaintext_hits
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
