"""The inventory of personal data: types of the one declared map, and its checks against the schema.

**Convention.** A store column holding personal data carries ``info={"personal": "<purpose>"}``
(a :class:`~omnistock.privacy.retention.Purpose` value), e.g.
``Column("buyer_name", Text, info={"personal": "fulfilment"})``. A column whose *name* suggests
personal data (:data:`SUSPECT_WORDS`) but is not personal says so with ``info={"personal": False}``.
:func:`check_metadata` fails on any marked column missing from the map, any declared column not
marked (or marked with another purpose), any personal column that is not nullable (erasure sets
it to NULL), and any suspect name without a marker. The map itself is :data:`DATA_MAP` in
:mod:`omnistock.privacy.inventory`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from sqlalchemy import Column, MetaData

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.lookup import IdentifierKind
from omnistock.privacy.retention import DateRole, Purpose

__all__ = [
    "MARKER",
    "SUSPECT_WORDS",
    "DataMap",
    "FieldFormat",
    "LegalBasis",
    "MapCheck",
    "PersonalField",
    "PersonalTable",
    "check_metadata",
    "marked_columns",
]

MARKER = "personal"
SUSPECT_WORDS = (
    "email", "e_mail", "phone", "telefon", "nip", "pesel", "address", "street", "postcode",
    "post_code", "zip_code", "first_name", "last_name", "surname", "buyer", "recipient", "iban",
)  # fmt: skip


class LegalBasis(StrEnum):
    """The GDPR article that allows processing."""

    CONTRACT = "art. 6(1)(b) GDPR — performing the sales contract"
    LEGAL_OBLIGATION = "art. 6(1)(c) GDPR — legal obligation"
    LEGITIMATE_INTEREST = "art. 6(1)(f) GDPR — legitimate interest"
    CONSENT = "art. 6(1)(a) GDPR — consent"


class FieldFormat(StrEnum):
    """How a personal column is stored: sealed text, JSON object or bytes, or a keyed hash.

    All sealed formats are stored as text tokens (bytes are base64-encoded before sealing), so
    the column is ``Text`` whatever the plain value is.
    """

    TEXT = "text"
    JSON = "json"
    BYTES = "bytes"
    HASH = "hash"


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalField:
    """One personal column: what it holds, why, on which basis, and how it is stored."""

    column: str
    purpose: Purpose
    basis: LegalBasis
    description: str
    format: FieldFormat = FieldFormat.TEXT
    identifier: IdentifierKind | None = None
    hash_of: str | None = None

    def __post_init__(self) -> None:
        hashed = self.format is FieldFormat.HASH
        if hashed != (self.identifier is not None):
            raise InvalidValue(
                "a hash column needs an identifier kind (and only it)", field=self.column
            )
        if self.hash_of is not None and not hashed:
            raise InvalidValue("only a hash column is computed from another", field=self.column)

    @property
    def sealed(self) -> bool:
        return self.format is not FieldFormat.HASH

    @property
    def exportable(self) -> bool:
        """Sealed values are exported in the clear; hashes are meaningless to the person."""
        return self.sealed


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalTable:
    """A table with personal columns, its record id column and the dates retention reads."""

    name: str
    id_column: str
    description: str
    fields: tuple[PersonalField, ...]
    dates: Mapping[DateRole, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        columns = [f.column for f in self.fields]
        if len(set(columns)) != len(columns):
            raise InvalidValue("a personal column is declared twice", field=self.name)
        for f in self.fields:
            if f.hash_of is not None and f.hash_of not in columns:
                raise InvalidValue(f"{f.column} hashes an undeclared column", field=self.name)
        object.__setattr__(self, "dates", MappingProxyType(dict(self.dates)))

    def column(self, name: str) -> PersonalField:
        for declared in self.fields:
            if declared.column == name:
                return declared
        raise InvalidValue(f"{self.name}.{name} is not a declared personal column", field=name)

    @property
    def sealed(self) -> tuple[PersonalField, ...]:
        return tuple(f for f in self.fields if f.sealed)

    def locator(self, kind: IdentifierKind) -> str | None:
        """The hash column that finds a person by ``kind`` in this table, if any."""
        return next((f.column for f in self.fields if f.identifier is kind), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class DataMap:
    """Every personal field omnistock stores, by table."""

    tables: tuple[PersonalTable, ...]

    def __post_init__(self) -> None:
        names = [t.name for t in self.tables]
        if len(set(names)) != len(names):
            raise InvalidValue("a table is declared twice", field="tables")

    def table(self, name: str) -> PersonalTable:
        for declared in self.tables:
            if declared.name == name:
                return declared
        raise InvalidValue(f"table {name!r} holds no declared personal data", field="table")

    def columns(self) -> dict[tuple[str, str], PersonalField]:
        return {(t.name, f.column): f for t in self.tables for f in t.fields}


@dataclass(frozen=True, slots=True, kw_only=True)
class MapCheck:
    """Differences between the declared map and the schema's markers (all empty = consistent)."""

    undeclared: tuple[str, ...] = ()
    unmarked: tuple[str, ...] = ()
    absent_tables: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def marked_columns(metadata: MetaData) -> Iterator[tuple[str, Column[object]]]:
    """(table name, column) of every column marked personal in ``metadata``."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.info.get(MARKER):
                yield table.name, column


def check_metadata(data_map: DataMap, metadata: MetaData) -> MapCheck:
    """Compare the map with ``metadata`` (see the module docstring for the rules)."""
    declared = data_map.columns()
    marked = {(t, c.name): c for t, c in marked_columns(metadata)}
    undeclared = sorted(f"{t}.{c}" for t, c in marked.keys() - declared.keys())
    absent = sorted({t.name for t in data_map.tables} - set(metadata.tables))
    present = {key for key in declared if key[0] in metadata.tables}
    unmarked = sorted(f"{t}.{c}" for t, c in present - marked.keys())
    problems = [
        *_marker_problems(declared, marked),
        *_suspects(metadata),
        *_id_problems(data_map, metadata),
    ]
    return MapCheck(
        undeclared=tuple(undeclared),
        unmarked=tuple(unmarked),
        absent_tables=tuple(absent),
        problems=tuple(problems),
    )


def _marker_problems(
    declared: Mapping[tuple[str, str], PersonalField],
    marked: Mapping[tuple[str, str], Column[object]],
) -> Iterator[str]:
    for key, column in sorted(marked.items()):
        name = f"{key[0]}.{key[1]}"
        purpose = declared[key].purpose.value if key in declared else None
        if purpose is not None and column.info[MARKER] != purpose:
            yield f"{name}: marked {column.info[MARKER]!r}, declared {purpose!r}"
        if not column.nullable or column.primary_key:
            yield f"{name}: a personal column must be nullable and not a key (erasure sets NULL)"


def _suspects(metadata: MetaData) -> Iterator[str]:
    for table in metadata.sorted_tables:
        for column in table.columns:
            lowered = column.name.lower()
            if MARKER not in column.info and any(word in lowered for word in SUSPECT_WORDS):
                yield (
                    f"{table.name}.{column.name}: the name suggests personal data; mark it "
                    f'info={{"{MARKER}": "<purpose>"}} or info={{"{MARKER}": False}}'
                )


def _id_problems(data_map: DataMap, metadata: MetaData) -> Iterator[str]:
    for declared in data_map.tables:
        table = metadata.tables.get(declared.name)
        if table is None:
            continue
        for column in (declared.id_column, *declared.dates.values()):
            if column not in table.columns:
                yield f"{declared.name}.{column}: declared id/date column is missing"
