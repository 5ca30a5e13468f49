"""Sealing a record's personal fields per the data map — the API the store writers call.

:class:`Sealer` turns plain values into what is stored (sealed tokens and keyed hashes) and back,
for one declared table. Nothing personal reaches the database unsealed: an undeclared column, a
value of the wrong type or an unusable key raises before anything is returned.

    sealer = Sealer.from_env(os.environ, key_file=settings.section("privacy").get("key_file"))
    stored = sealer.seal("orders", order_id, {"buyer_name": "Jan Kowalski", ...})
    conn.execute(orders.insert().values(id=order_id, ..., **stored))
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.cipher import FieldCipher, FieldRef
from omnistock.privacy.datamap import DataMap, FieldFormat, PersonalField, PersonalTable
from omnistock.privacy.keys import Keyring, load_keyring
from omnistock.privacy.lookup import KeyedHasher

__all__ = ["Sealer"]


class Sealer:
    """Seals and opens the personal columns of the tables a :class:`DataMap` declares."""

    def __init__(self, keyring: Keyring, data_map: DataMap | None = None) -> None:
        if data_map is None:
            from omnistock.privacy.inventory import DATA_MAP

            data_map = DATA_MAP
        self.data_map = data_map
        self.cipher = FieldCipher(keyring)
        self.hasher = KeyedHasher(keyring.hash_key)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        *,
        key_file: str | Path | None = None,
        data_map: DataMap | None = None,
    ) -> Sealer:
        """A sealer with the keys from the environment or key file (see :mod:`.keys`)."""
        return cls(load_keyring(environ, key_file=key_file), data_map)

    def seal(
        self, table: str, record_id: object, values: Mapping[str, Any]
    ) -> dict[str, str | None]:
        """Stored values of every personal column of ``table`` (``None`` where no value).

        ``values`` holds plain values by column: ``str`` for text columns, a JSON-able mapping
        for JSON columns, ``bytes`` for bytes columns (e.g. an invoice's XML), the identifier
        itself for a hash column. A hash column with ``hash_of`` is computed from that column's
        value unless its own identifier is given (e.g. an e-mail that is not kept, only its
        look-up hash).
        """
        declared = self.data_map.table(table)
        unknown = set(values) - {f.column for f in declared.fields}
        if unknown:
            raise InvalidValue(f"not declared personal columns: {sorted(unknown)}", field=table)
        return {f.column: self._store(declared, f, str(record_id), values) for f in declared.fields}

    def _store(
        self, table: PersonalTable, f: PersonalField, record_id: str, values: Mapping[str, Any]
    ) -> str | None:
        value = values.get(f.column)
        if f.hash_of is not None and (value is None or value == ""):
            value = values.get(f.hash_of)
        if value is None or value == "":
            return None
        if f.format is FieldFormat.HASH:
            assert f.identifier is not None  # checked by PersonalField
            return self.hasher.stored_digest(f.identifier, str(value))
        return self.cipher.seal(
            _text(f, value), FieldRef(table=table.name, column=f.column, record_id=record_id)
        )

    def open(self, table: str, record_id: object, row: Mapping[str, Any]) -> dict[str, Any]:
        """Plain values of the sealed columns present in ``row`` (hash columns are left out)."""
        declared = self.data_map.table(table)
        opened: dict[str, Any] = {}
        for f in declared.sealed:
            token = row.get(f.column)
            if token is None:
                continue
            ref = FieldRef(table=declared.name, column=f.column, record_id=str(record_id))
            text = self.cipher.open(token, ref)
            opened[f.column] = _plain(f, text)
        return opened


def _plain(f: PersonalField, text: str) -> Any:
    if f.format is FieldFormat.JSON:
        return json.loads(text)
    if f.format is FieldFormat.BYTES:
        return base64.b64decode(text)
    return text


def _text(f: PersonalField, value: Any) -> str:
    if f.format is FieldFormat.BYTES:
        if not isinstance(value, bytes):
            raise InvalidValue("a bytes personal column takes bytes", field=f.column)
        return base64.b64encode(value).decode("ascii")
    if f.format is FieldFormat.JSON:
        if not isinstance(value, Mapping):
            raise InvalidValue("a JSON personal column takes a mapping", field=f.column)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if not isinstance(value, str):
        raise InvalidValue("a text personal column takes a string", field=f.column)
    return value
