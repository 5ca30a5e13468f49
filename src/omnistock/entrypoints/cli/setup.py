"""``omnistock init``: write a commented config file and create or migrate the database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from omnistock.bootstrap import bootstrap
from omnistock.config import ENV_CONFIG, Settings
from omnistock.domain.errors import Conflict
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import DEFAULT_CONFIG, config_path, open_app, options

TEMPLATE = """\
# omnistock configuration — written by `omnistock init`.
# Precedence: command-line flags > environment (OMNISTOCK_DB, OMNISTOCK_CONFIG) > this file.
# Unknown keys are errors, so a typo cannot be silently ignored.

[database]
# SQLite (default, one worker) or PostgreSQL (many workers), e.g.
#   url = "postgresql+psycopg://user@127.0.0.1:5432/omnistock"
# A relative SQLite path is relative to the directory omnistock is run from.
url = {url}

# Optional sections of other features; each feature documents and validates its own keys
# (see docs/configuration.md for where).
# [channels.allegro-main]   # channel account connection (docs/channels.md)
# [safety]                  # safety-guard thresholds and alarms
# [notify]                  # SMS (SMSAPI.pl), e-mail (SMTP), webhook (docs/alerts.md)
# [compliance]              # marketplace rule packs (docs/rule-packs.md)
# [privacy]                 # personal-data protection (docs/privacy.md)
# [invoicing]               # seller data, number series (docs/invoicing.md)
# [api]                     # dashboard session secret (docs/api.md)
"""


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("migrate")(migrate)


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def init(
    ctx: typer.Context,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing config file.")
    ] = False,
) -> None:
    """Create omnistock.toml and the database.

    Writes a commented config file (to --config, $OMNISTOCK_CONFIG or ./omnistock.toml) holding
    the database URL in effect, then creates or migrates that database.
    """
    target = config_path(ctx) or DEFAULT_CONFIG
    if target.exists() and not force:
        raise Conflict(
            f"{target} already exists; use --force to overwrite it "
            "(`omnistock migrate` only upgrades the database)",
            field="config",
        )
    environ = {k: v for k, v in os.environ.items() if k != ENV_CONFIG}  # the file is being made
    settings = Settings.from_env(environ, db_url=options(ctx).db)
    with bootstrap(settings, migrate=True):
        pass
    write_config(target, settings.db_url)
    render.note(f"wrote {target}")
    render.note(f"database ready: {settings.db_url}")


def migrate(ctx: typer.Context) -> None:
    """Upgrade the database to this version.

    Creates or upgrades the schema; the config file is left alone.
    """
    with open_app(ctx, migrate=True) as app:
        render.note(f"database ready: {app.settings.db_url}")


def write_config(target: Path, db_url: str) -> None:
    """Write the commented config file (used by ``init`` and the demo)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.format(url=_toml_string(db_url)), encoding="utf-8")
