"""Output for the CLI: JSON for machines, Rich tables for people, errors on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from rich import box
from rich.console import Console, JustifyMethod
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

PIPE_WIDTH = 120
"""Width of tables written to a file or pipe (a terminal's own width is used otherwise)."""


@cache
def out() -> Console:
    """The stdout console (created on first use, never at import)."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, PIPE_WIDTH)
    return console


@cache
def err() -> Console:
    """The stderr console for errors and progress."""
    return Console(stderr=True, highlight=False)


def _default(value: object) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def to_json(data: object) -> str:
    """UTF-8 JSON; Decimals become numbers (callers pass money as strings to keep its digits)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def emit_json(data: object) -> None:
    sys.stdout.write(to_json(data) + "\n")
    sys.stdout.flush()


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Table:
    """A simple Rich table; a column named ``#name`` is right-aligned; None is an empty cell."""
    view = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    for index, name in enumerate(columns):
        numeric = name.startswith("#")
        justify: JustifyMethod = "right" if numeric else "left"
        view.add_column(name.removeprefix("#"), justify=justify, no_wrap=index == 0)
    for row in rows:
        view.add_row(*("" if cell is None else str(cell) for cell in row))
    return view


def show(renderable: object) -> None:
    out().print(renderable)


def note(text: str) -> None:
    """A human message on stdout (summaries, confirmations)."""
    out().print(text, markup=False, highlight=False, soft_wrap=True)


def error(text: str) -> None:
    err().print(f"error: {text}", style="red", markup=False, highlight=False, soft_wrap=True)


@contextmanager
def progress(label: str, total: int) -> Iterator[Progress]:
    """A progress bar on stderr, shown only when stderr is a terminal."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err(),
        transient=True,
        disable=not err().is_terminal,
    )
    with bar:
        bar.add_task(label, total=total)
        yield bar
