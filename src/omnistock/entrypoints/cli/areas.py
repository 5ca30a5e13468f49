"""The explicit list of CLI areas; add a module's ``register`` here to expose its commands."""

from __future__ import annotations

from collections.abc import Callable

import typer

REGISTRY: list[Callable[[typer.Typer], None]] = []
