"""A test-only table of personal data, its data map, keys and fast seeding (also used by the
rotation child process and the benchmark)."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, Text, insert
from sqlalchemy.engine import make_url

from omnistock.privacy.datamap import DataMap, FieldFormat, LegalBasis, PersonalField, PersonalTable
from omnistock.privacy.keys import Keyring
from omnistock.privacy.lookup import IdentifierKind
from omnistock.privacy.retention import DateRole, Purpose
from omnistock.privacy.sealing import Sealer

OLD, NEW, HASH = b"o" * 32, b"n" * 32, b"h" * 32
OLD_RING = Keyring(active="old", keys={"old": OLD}, hash_key=HASH)
BOTH_RING = Keyring(active="new", keys={"new": NEW, "old": OLD}, hash_key=HASH)
NEW_ONLY = Keyring(active="new", keys={"new": NEW}, hash_key=HASH)

metadata = MetaData()
people = Table(
    "privacy_people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, info={"personal": "fulfilment"}),
    Column("address", Text, info={"personal": "fulfilment"}),
    Column("tax", Text, info={"personal": "invoicing"}),
    Column("mail", Text, info={"personal": "fulfilment"}),
    Column("mail_hash", String(64), info={"personal": "lookup"}),
    Column("customer_hash", String(64), info={"personal": "lookup"}),
    Column("delivered_at", DateTime(timezone=True)),
    Column("invoiced_at", DateTime(timezone=True)),
)

_F, _I, _L = Purpose.FULFILMENT, Purpose.INVOICING, Purpose.LOOKUP
_C, _O = LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION
PEOPLE = DataMap(
    tables=(
        PersonalTable(
            name="privacy_people",
            id_column="id",
            description="test people",
            dates={DateRole.DELIVERED: "delivered_at", DateRole.INVOICED: "invoiced_at"},
            fields=(
                PersonalField(column="name", purpose=_F, basis=_C, description="name"),
                PersonalField(
                    column="address", purpose=_F, basis=_C, format=FieldFormat.JSON, description="a"
                ),
                PersonalField(
                    column="tax", purpose=_I, basis=_O, format=FieldFormat.JSON, description="t"
                ),
                PersonalField(column="mail", purpose=_F, basis=_C, description="m"),
                PersonalField(
                    column="mail_hash",
                    purpose=_L,
                    basis=_O,
                    format=FieldFormat.HASH,
                    identifier=IdentifierKind.EMAIL,
                    hash_of="mail",
                    description="h",
                ),
                PersonalField(
                    column="customer_hash",
                    purpose=_L,
                    basis=_O,
                    format=FieldFormat.HASH,
                    identifier=IdentifierKind.CUSTOMER,
                    description="c",
                ),
            ),
        ),
    )
)


def person(n: int) -> dict[str, object]:
    """Plain personal values of person ``n`` (distinct per person)."""
    return {
        "name": f"Osoba Testowa {n}",
        "address": {"street": f"ul. Polna {n}", "city": "Kraków", "post_code": "30-001"},
        "tax": {"nip": "5261040828", "company": f"Firma {n}"},
        "mail": f"osoba{n}@example.pl",
        "customer_hash": f"allegro:{n}",
    }


def people_rows(
    sealer: Sealer, ids: range, **dates: datetime | None
) -> Iterator[dict[str, object]]:
    for n in ids:
        yield {"id": n, **sealer.seal("privacy_people", n, person(n)), **dates}


def seed(engine: Engine, count: int, sealer: Sealer, *, chunk: int = 5000) -> None:
    """Create the table and insert ``count`` people sealed by ``sealer``."""
    metadata.create_all(engine)
    for start in range(0, count, chunk):
        rows = list(people_rows(sealer, range(start, min(count, start + chunk))))
        with engine.begin() as conn:
            conn.execute(insert(people), rows)


def keys_env(ring_text: str) -> dict[str, str]:
    """``OMNISTOCK_PRIVACY_*`` variables for a child process: ``"new,old"`` or ``"old"``."""
    raw = {"old": OLD, "new": NEW}
    keys = ",".join(f"{kid}:{base64.b64encode(raw[kid]).decode()}" for kid in ring_text.split(","))
    return {
        "OMNISTOCK_PRIVACY_KEYS": keys,
        "OMNISTOCK_PRIVACY_HASH_KEY": base64.b64encode(HASH).decode(),
    }


def pg_dump(db_url: str, out: Path) -> Path:
    """``pg_dump`` of the test's own schema (its name is the URL's ``search_path``)."""
    url = make_url(db_url)
    schema = str(url.query["options"]).removeprefix("-csearch_path=")
    args = ["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
    args += ["-U", url.username or "postgres", "-d", url.database or "", f"--schema={schema}"]
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    done = subprocess.run(args, capture_output=True, env=env, check=True, timeout=120)
    out.write_bytes(done.stdout)
    return out


def hex_forms(values: set[str]) -> set[str]:
    """``bytea`` columns are dumped as hex: search the values that way too."""
    return {v.encode("utf-8").hex() for v in values if len(v) >= 5}
