"""The ``omnistock`` command line: one Typer app, one sub-app module per area.

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

EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="omnistock",
    help="One stock for many sales channels (Allegro, own shop, Amazon, Meta).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
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
    """Attach every area's commands (once); each module exposes ``register(app)``."""
    from omnistock.entrypoints.cli import areas

    for register in areas.REGISTRY:
        register(app)


def main() -> None:
    """Console-script entry point; a domain error prints its message and exits with 2."""
    from omnistock.entrypoints.cli import render
    from omnistock.privacy.redaction import install_redaction

    install_redaction()  # no personal data in any log record (docs/privacy.md §2)
    _register()
    try:
        app(prog_name="omnistock")
    except DomainError as exc:
        render.error(str(exc))
        sys.exit(EXIT_BAD_INPUT)
