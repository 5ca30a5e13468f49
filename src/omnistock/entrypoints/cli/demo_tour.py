"""``omnistock demo``: the tour of everything on loopback sandboxes (``omnistock.demo``).

Takes over the ``demo`` command of :mod:`.demo` (same ``--dir`` folder rules and ``--json``
switch); the local scenario of :mod:`.demo` stays importable. Logs go to ``DIR/demo.log``.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live

from omnistock.demo import SUMMARY_KEYS
from omnistock.demo.runner import Dashboard, DemoOptions, run_demo
from omnistock.demo.tour import Tour
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.demo import prepare


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", metavar="DIR", help="Folder kept for inspection (default: temp)."),
    ] = None,
    seconds: Annotated[
        float | None,
        typer.Option("--seconds", min=5, help="End after N seconds (default: run until Ctrl-C)."),
    ] = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print only the final JSON summary.")
    ] = False,
    no_dashboard: Annotated[
        bool, typer.Option("--no-dashboard", help="Do not serve the dashboard.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the shop and the buyers.")] = 7,
) -> None:
    """Run a whole shop on local sandboxes: buyers, faults, sync, holds, alerts, invoices.

    Every marketplace sandbox (Allegro, WooCommerce, Amazon, Meta), SMSAPI, KSeF and an SMTP
    server start on loopback; a few hundred products with kits are seeded; buyers order on
    three channels while faults are switched on; one all-zero stock feed is injected and must
    be held. The database stays in DIR/omnistock.db with its omnistock.toml.
    """
    folder = prepare(directory)
    options = DemoOptions(folder=folder, seconds=seconds, seed=seed, dashboard=not no_dashboard)
    console = Console(stderr=json)
    with _logs_to(folder / "demo.log"), _ctrl_c() as stop:
        if json:
            summary = run_demo(options, stop=stop, show=lambda t, p: None, started=lambda d: None)
        else:
            summary = _run_live(options, stop, console)
    if json:
        render.emit_json(summary)
        return
    console.print(render.table("Summary (measured)", ["", "value"], _rows(summary)))
    console.print(f"Inspect it: omnistock --config {folder / 'omnistock.toml'} orders list")


def _run_live(options: DemoOptions, stop: threading.Event, console: Console) -> dict[str, Any]:
    from omnistock.demo.live import live_view

    header = [f"demo folder: {options.folder}"]

    def started(board: Dashboard | None) -> None:
        if board is not None:
            header.append(f"dashboard:   {board.url}\nAPI token:   {board.token} (admin)")
        header.append("Ctrl-C ends trading; the demo then settles and prints the summary.")
        console.print("\n".join(header))

    with Live(console=console, auto_refresh=False, transient=False) as live:

        def show(tour: Tour, phase: str) -> None:
            live.update(live_view(tour, phase, ""), refresh=True)

        return run_demo(options, stop=stop, show=show, started=started)


def _rows(summary: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for key in (*SUMMARY_KEYS, "orders_placed"):
        value = summary.get(key)
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        rows.append([key, "not measured (not wired)" if value is None else value])
    return rows


@contextmanager
def _logs_to(path: Path) -> Iterator[None]:
    """omnistock's log records go to the demo folder, not over the live summary."""
    logger = logging.getLogger("omnistock")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        handler.close()


@contextmanager
def _ctrl_c() -> Iterator[threading.Event]:
    """Ctrl-C (or SIGTERM) sets the event: trading stops, the demo settles and reports."""
    stop = threading.Event()

    def handler(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
