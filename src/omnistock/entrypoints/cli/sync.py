"""``omnistock worker`` and ``omnistock sync run|status|reconcile``: the sync engine."""

from __future__ import annotations

import importlib
import os
import signal
import threading
from typing import Annotated

import typer

from omnistock.bootstrap import channel_adapters
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import open_app
from omnistock.entrypoints.cli.worker_build import build_worker
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.status import sync_status
from omnistock.sync.worker import LoopSettings, Worker

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
sync_app = typer.Typer(help="Push stock to channels: run, status, reconcile.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks (run from a source checkout).", no_args_is_help=True)
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(sync_app, name="sync")
    app.add_typer(bench_app, name="bench")


def _print_runs(worker: Worker) -> None:
    runs = worker.run_once()
    rows = [(r.channel, r.batches, r.pushed, r.failed, r.recovered, r.breaker) for r in runs]
    render.show(
        render.table(
            "sync pass",
            ["channel", "#batches", "#pushed", "#failed", "#recovered", "breaker"],
            rows,
        )
    )


def worker(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="One pass over all channels, then exit.")
    ] = False,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between passes.")] = 1.0,
    lease_ttl: Annotated[
        float, typer.Option("--lease-ttl", help="Seconds a channel lease lasts if not renewed.")
    ] = 60.0,
) -> None:
    """Run the sync worker (until SIGINT/SIGTERM, or one pass with --once).

    Besides pushing stock it polls orders, watches and notifies incidents, and once a day runs
    the privacy retention sweep and the [compliance] rule check (docs/rule-packs.md). With
    [invoicing] it issues paid business orders' invoices and sends them to KSeF (docs/invoicing.md).
    """
    with open_app(ctx) as app:
        engine = build_worker(app, lease_ttl_s=lease_ttl, orders=True)
        if once:
            _print_runs(engine)
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        engine.run(stop, LoopSettings(interval_s=interval))


@sync_app.command("run")
def run(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One pass (the only mode here).")] = True,
) -> None:
    """Push every channel's dirty listings once."""
    with open_app(ctx) as app:
        _print_runs(build_worker(app))


@sync_app.command("status")
def status(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Per channel: dirty, in flight, held, dead, breaker, budget left, last success."""
    with open_app(ctx) as app:
        adapters = channel_adapters(app, os.environ)
        data = sync_status(SyncStore(app.engine), adapters, app.clock.now())
    if as_json:
        render.emit_json(data)
        return
    columns = ["channel", "#dirty", "#in_flight", "#retry", "#held", "#dead", "#error", "breaker"]
    keys = ["channel", "dirty", "in_flight", "retry", "held", "dead", "error", "breaker"]
    render.show(render.table("sync status", columns, [[row[k] for k in keys] for row in data]))


@sync_app.command("reconcile")
def reconcile(
    ctx: typer.Context,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this channel.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Read actual quantities from channels, report drift, and mark it for repair."""
    with open_app(ctx) as app:
        reports = [r.to_dict() for r in build_worker(app).reconcile(channel)]
    if as_json:
        render.emit_json(reports)
        return
    rows = [(r["channel"], r["checked"], r["drift"], r["missing"], r["complete"]) for r in reports]
    render.show(
        render.table("reconcile", ["channel", "#checked", "#drift", "#missing", "complete"], rows)
    )


@bench_app.command("sync", context_settings=PASS_THROUGH)
def bench_sync(ctx: typer.Context) -> None:
    """The sync benchmark (``benchmarks/sync_bench.py``); options are passed through."""
    try:
        module = importlib.import_module("benchmarks.sync_bench")
    except ImportError:
        render.error("benchmarks/ not found: run from the omnistock source checkout")
        raise typer.Exit(2) from None
    raise typer.Exit(int(module.main(list(ctx.args)) or 0))
