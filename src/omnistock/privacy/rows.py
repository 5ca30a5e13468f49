"""Reading declared tables without their SQLAlchemy ``Table``: a light clause and a row's dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, column, table
from sqlalchemy.sql.expression import TableClause

from omnistock.privacy.datamap import PersonalTable
from omnistock.privacy.retention import DateRole

__all__ = ["clause_of", "record_dates"]


def clause_of(declared: PersonalTable) -> TableClause:
    """The id, date and personal columns of a declared table (dates typed, to parse SQLite text)."""
    dates = [column(n, DateTime(timezone=True)) for n in dict.fromkeys(declared.dates.values())]
    others = [declared.id_column, *(f.column for f in declared.fields)]
    return table(declared.name, *(column(name) for name in others), *dates)


def record_dates(
    declared: PersonalTable, row: Mapping[str, Any]
) -> dict[DateRole, datetime | None]:
    """The retention dates of ``row``, aware (SQLite gives naive datetimes for UTC columns)."""
    return {role: _utc(row[name]) for role, name in declared.dates.items()}


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
