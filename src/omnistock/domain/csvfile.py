"""Reading seller CSV files strictly: a header, then rows, every error with line and column."""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from omnistock.domain.errors import InvalidFile

__all__ = ["CsvRow", "read_csv"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CsvRow:
    """One data row: its 1-based physical line and its cells by (lower-case) column name."""

    line: int
    cells: dict[str, str]


def read_csv(
    text: str, *, required: Collection[str], optional: Collection[str] = (), extra: bool = False
) -> list[CsvRow]:
    """All data rows of ``text``; rejects the whole file on a bad header or a short/long row.

    Comma or semicolon separated (picked from the header line); blank lines are skipped. An
    empty or header-only file is an error too: importing it would look like "nothing".
    """
    text = text.removeprefix("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), None)
    if first is None:
        raise InvalidFile("the file is empty", line=1)
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    try:
        header, header_line = _header(reader, required, optional, extra)
        rows = list(_rows(reader, header))
    except csv.Error as exc:
        raise InvalidFile(f"malformed CSV: {exc}", line=reader.line_num) from exc
    if not rows:
        raise InvalidFile("the file has a header but no rows", line=header_line)
    return rows


def _header(
    reader: Iterator[list[str]], required: Collection[str], optional: Collection[str], extra: bool
) -> tuple[list[str], int]:
    for cells in reader:
        if any(c.strip() for c in cells):
            break
    line = reader.line_num  # type: ignore[attr-defined]
    header = [c.strip().lower() for c in cells]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InvalidFile("column appears twice in the header", line=line, column=name)
        if not extra and name not in required and name not in optional:
            expected = ",".join(required)
            raise InvalidFile(f"unexpected column (expected {expected})", line=line, column=name)
        seen.add(name)
    for name in required:
        if name not in seen:
            raise InvalidFile("required column missing from the header", line=line, column=name)
    return header, line


def _rows(reader: Iterator[list[str]], header: list[str]) -> Iterator[CsvRow]:
    for cells in reader:
        line = reader.line_num  # type: ignore[attr-defined]
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            column = header[len(cells)] if len(cells) < len(header) else None
            raise InvalidFile(
                f"{len(cells)} cells, the header has {len(header)}", line=line, column=column
            )
        yield CsvRow(line=line, cells={n: c.strip() for n, c in zip(header, cells, strict=True)})
