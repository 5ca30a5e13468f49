"""The ``omnistock`` command line: one Typer app, one sub-app module per area.

Area modules are imported only when one of their commands runs (``areas.COMMANDS``), so
``omnistock --help`` and light commands start without FastAPI, SQLAlchemy, lxml or fpdf.

Entry points stay thin (parse → service → render). Domain errors are translated here, once:
the message naming the field goes to stderr and the exit code is 2.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Annotated

import typer

from omnistock.domain.errors import DomainError
from omnistock.entrypoints.cli.areas import LazyGroup

EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="omnistock",
    help="One stock for many sales channels (Allegro, own shop, Amazon, Meta).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    cls=LazyGroup,
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="TOML config file (default: $OMNISTOCK_CONFIG, else ./omnistock.toml if present).",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database URL (default: $OMNISTOCK_DB, the config file, "
            "else sqlite:///./omnistock.db).",
        ),
    ] = None,
) -> None:
    """One stock for many sales channels (Allegro, own shop, Amazon, Meta)."""
    from omnistock.entrypoints.cli.context import GlobalOptions

    ctx.obj = GlobalOptions(config=config, db=db)


@cache
def _register() -> None:
    """Import every area module now (commands are otherwise loaded on first use)."""
    from omnistock.entrypoints.cli import areas

    areas.load_all()


def main() -> None:
    """Console-script entry point; a domain error prints its message and exits with 2."""
    from omnistock.privacy.redaction import install_redaction

    install_redaction()  # no personal data in any log record (docs/privacy.md §2)
    try:
        app(prog_name="omnistock")
    except DomainError as exc:
        from omnistock.entrypoints.cli import render

        render.error(str(exc))
        sys.exit(EXIT_BAD_INPUT)
