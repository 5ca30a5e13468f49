"""The ``omnistock`` command line: one Typer app, one sub-app module per area."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="omnistock",
    help="One stock for many sales channels (Allegro, own shop, Amazon, Meta).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    """Attach every area's commands; each module exposes ``register(app)``."""
    from omnistock.entrypoints.cli import areas

    for register in areas.REGISTRY:
        register(app)


def main() -> None:
    """Console-script entry point."""
    _register()
    app()
