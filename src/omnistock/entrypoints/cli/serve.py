"""``omnistock serve``: the REST API and dashboard under uvicorn, optionally with the worker."""

from __future__ import annotations

import os
import threading
from typing import Annotated

import typer
import uvicorn
from uvicorn.config import LOGGING_CONFIG

from omnistock.bootstrap import App, channel_accounts, channel_adapters
from omnistock.config import ConfigError
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import open_app
from omnistock.entrypoints.cli.worker_build import build_worker
from omnistock.privacy.redaction import with_redaction
from omnistock.sync.worker import LoopSettings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def session_key(app: App) -> bytes | None:
    """``[api] session_secret`` (keeps dashboard sessions across restarts), else None."""
    secret = app.settings.section("api").get("session_secret")
    if secret is None:
        return None
    if not isinstance(secret, str) or len(secret) < 32:
        raise ConfigError("must be a string of at least 32 characters", field="api.session_secret")
    return secret.encode("utf-8")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    with_worker: Annotated[
        bool, typer.Option("--with-worker", help="Also run the sync worker in this process.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between worker passes.")
    ] = 1.0,
) -> None:
    """Serve the REST API (/api/v1), the dashboard (/dashboard), /metrics, /healthz, /readyz."""
    from omnistock.entrypoints.api import create_app  # FastAPI only when serving

    with open_app(ctx) as app:
        accounts = channel_accounts(app, os.environ)
        adapters = channel_adapters(app, os.environ, accounts)
        api = create_app(app, adapters=adapters, session_key=session_key(app))
        stop = threading.Event()
        thread = None
        if with_worker:  # the same worker as ``omnistock worker``: guard, alerts, jobs
            worker = build_worker(app, accounts=accounts, adapters=adapters, orders=True)
            loop = LoopSettings(interval_s=interval)
            thread = threading.Thread(target=worker.run, args=(stop, loop), daemon=True)
            thread.start()
        render.note(f"serving on http://{host}:{port}/dashboard/")
        try:
            uvicorn.run(api, host=host, port=port, log_level="warning",
                        log_config=with_redaction(LOGGING_CONFIG))  # fmt: skip
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=30)
