"""Scan raw files (a SQLite database with its WAL, a ``pg_dump``) for personal values in clear.

Used by tests and by a seller's own audit: given the values that must never be stored in plain
text (buyers' names, e-mails, phones, addresses, NIPs), report which appear in which file. The
comparison ignores case and also tries the value without spaces and dashes (phones, NIPs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, MetaData, String, select

from omnistock.privacy.cipher import VERSION, is_sealed
from omnistock.privacy.datamap import DataMap
from omnistock.privacy.rotation import SealedTable

__all__ = ["database_files", "plaintext_hits", "sealed_outside_map"]

MIN_LENGTH = 4


def database_files(database: Path) -> list[Path]:
    """A SQLite file and its ``-wal``/``-journal`` companions that exist."""
    candidates = [database, *(database.with_name(database.name + s) for s in ("-wal", "-journal"))]
    return [path for path in candidates if path.exists()]


def plaintext_hits(files: Iterable[Path], values: Iterable[str]) -> dict[str, list[str]]:
    """``{value: [file names where it appears]}`` for every value found in clear (empty = none)."""
    contents = {path.name: path.read_bytes().lower() for path in files}
    hits: dict[str, list[str]] = {}
    for value in values:
        forms = _forms(value)
        found = [name for name, data in contents.items() if any(f in data for f in forms)]
        if found:
            hits[value] = found
    return hits


def sealed_outside_map(
    engine: Engine, metadata: MetaData, data_map: DataMap, also: Iterable[SealedTable] = ()
) -> list[str]:
    """``table.column`` of undeclared text columns that hold sealed values.

    Such values escape rotation, retention and data-subject requests (and become unreadable
    once their key is retired): they must be declared in the data map, or (not personal data)
    among the rotated tables ``also`` (:data:`omnistock.privacy.inventory.SEALED_SECRETS`).
    """
    declared, found = set(data_map.columns()), []
    declared |= {(t.name, name) for t in also for name in t.columns}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if (table.name, column.name) in declared or not isinstance(column.type, String):
                    continue
                query = select(column).where(column.like(f"{VERSION}:%")).limit(20)
                if any(is_sealed(str(value)) for value in conn.execute(query).scalars()):
                    found.append(f"{table.name}.{column.name}")
    return found


def _forms(value: str) -> set[bytes]:
    """UTF-8 forms of ``value`` (as is, without spaces/dashes, JSON-escaped), lowered like the
    file contents: ``bytes.lower`` touches ASCII only, so ``Ż`` still matches ``Ż`` in a file."""
    text = value.strip()
    compact = re.sub(r"[\s-]", "", text)
    escaped = {json.dumps(form)[1:-1] for form in (text, compact)}
    forms = {text, compact, *escaped}
    return {form.encode("utf-8").lower() for form in forms if len(form) >= MIN_LENGTH}
