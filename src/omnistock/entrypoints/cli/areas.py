"""The explicit list of CLI commands, each loaded only when it is used.

``COMMANDS`` maps every top-level command to the area modules that define it and to its one-line
help. ``omnistock --help`` is printed from this table without importing any area module; running a
command (or asking for its own ``--help``) imports only the modules named in its entry, so
``omnistock sandbox up`` never loads FastAPI's API app, the invoice PDF code or SQLAlchemy's
dialects it does not use.

Each area module defines ``register(app: typer.Typer) -> None``. To add a command, add one line::

    "mycommand": _entry("myarea", "The first sentence of its help."),

Several modules are listed when one extends another's group (``channel_ops`` adds ``channel auth``
and ``channel test`` to ``catalog``'s group); they are registered in that order.
``tests/unit/test_cli_registry.py`` loads every module and checks that the names and help lines
here are exactly what the modules register, so this table cannot drift from the commands.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import typer
import typer.main
from typer import _click as click  # Typer vendors Click: its groups are built from these classes
from typer.core import TyperCommand, TyperGroup

PACKAGE = "omnistock.entrypoints.cli"


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a top-level command comes from, and the help line ``omnistock --help`` shows."""

    modules: tuple[str, ...]
    help: str


def _entry(modules: str, help: str) -> Entry:
    return Entry(tuple(modules.split()), help)


COMMANDS: dict[str, Entry] = {
    "init": _entry("setup", "Create omnistock.toml and the database."),
    "migrate": _entry("setup", "Upgrade the database to this version."),
    "demo": _entry(
        "demo_tour",
        "Run a whole shop on local sandboxes: buyers, faults, sync, holds, alerts, invoices.",
    ),
    "worker": _entry(
        "sync", "Run the sync worker (until SIGINT/SIGTERM, or one pass with --once)."
    ),
    "serve": _entry(
        "serve",
        "Serve the REST API (/api/v1), the dashboard (/dashboard), /metrics, /healthz, /readyz.",
    ),
    "pause": _entry(
        "safety", "Emergency stop: send nothing to a channel (or to all); nothing is lost."
    ),
    "resume": _entry("safety", "Send again after a pause."),
    "product": _entry("catalog", "Products: add one, import a CSV, list."),
    "channel": _entry("catalog channel_ops", "Channel accounts (Allegro, shop, Amazon, Meta)."),
    "listing": _entry("catalog", "Listings: which offer sells a SKU on a channel."),
    "warehouse": _entry("stock", "Warehouses."),
    "stock": _entry("stock", "Stock on hand: set, adjust, import, show."),
    "policy": _entry("policy", "Allocation policies: global, per group, per SKU."),
    "allocation": _entry("policy", "Allocations per channel."),
    "sandbox": _entry("sandbox", "Local simulators of the marketplace APIs."),
    "sync": _entry("sync", "Push stock to channels: run, status, reconcile."),
    "bench": _entry("sync orders", "Benchmarks (run from a source checkout)."),
    "rules": _entry("compliance", "Marketplace rule packs: validate and list."),
    "compliance": _entry(
        "compliance", "Check listings against the channels' current and upcoming rules."
    ),
    "orders": _entry("orders", "Imported orders: list, show, import."),
    "token": _entry("token", "API tokens: create, list, revoke."),
    "holds": _entry("safety", "Changes the safety guard held back."),
    "incidents": _entry("safety", "Incidents: list, acknowledge, resolve."),
    "notify": _entry("safety", "Alert senders."),
    "invoice": _entry("invoice", "FA(3) invoices: issue, list, show, xml, pdf, correct, send."),
    "privacy": _entry("privacy", "Personal data: key rotation, access export, erasure, retention."),
}


@cache
def _group(modules: tuple[str, ...]) -> TyperGroup:
    """The commands the given area modules register, as one Click group (built once)."""
    scratch = typer.Typer(rich_markup_mode=None, add_completion=False)
    for name in modules:
        importlib.import_module(f"{PACKAGE}.{name}").register(scratch)
    return typer.main.get_group(scratch)


def load(name: str) -> click.Command:
    """The real command ``name``: imports its area modules on first use."""
    entry = COMMANDS[name]
    command = _group(entry.modules).commands.get(name)
    if command is None:
        raise LookupError(f"{PACKAGE}.areas: {'/'.join(entry.modules)} do not register {name!r}")
    return command


def load_all() -> dict[str, click.Command]:
    """Every command, loaded (imports every area module)."""
    return {name: load(name) for name in COMMANDS}


class _LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands: the ones in ``COMMANDS`` are loaded when first looked up."""

    def __init__(self, given: MutableMapping[str, click.Command]) -> None:
        self.loaded: dict[str, click.Command] = dict(given)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded and name in COMMANDS:
            self.loaded[name] = load(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self.loaded if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self.loaded.keys())

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self.loaded


class LazyGroup(TyperGroup):
    """The root group: lists every command from ``COMMANDS``, imports one only to run it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, with the help lines of ``COMMANDS`` for commands not loaded."""
        assert isinstance(self.commands, _LazyCommands)
        loaded = self.commands.loaded
        commands = [
            loaded.get(name) or TyperCommand(name, help=COMMANDS[name].help)
            for name in self.list_commands(ctx)
        ]
        rows = [(command.name or "", command) for command in commands if not command.hidden]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])
