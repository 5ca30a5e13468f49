"""Per-invocation CLI state: the global options, and opening the wired app from them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer

from omnistock.bootstrap import App, bootstrap
from omnistock.config import ENV_CONFIG, Settings

DEFAULT_CONFIG = Path("omnistock.toml")
"""Read from the working directory when neither ``--config`` nor ``OMNISTOCK_CONFIG`` is set."""


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    """What the root callback parsed: ``--config FILE`` and ``--db URL``."""

    config: Path | None = None
    db: str | None = None


def options(ctx: typer.Context) -> GlobalOptions:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()


def config_path(ctx: typer.Context) -> Path | None:
    """The config file to read: flag, then environment, then ``./omnistock.toml`` if present."""
    flag = options(ctx).config
    if flag is not None:
        return flag
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def settings(ctx: typer.Context, *, config_file: Path | None = None) -> Settings:
    """Settings for this invocation (the environment is read here, once per command)."""
    path = config_file if config_file is not None else config_path(ctx)
    return Settings.from_env(os.environ, config_file=path, db_url=options(ctx).db)


@contextmanager
def open_app(ctx: typer.Context, *, migrate: bool = False) -> Iterator[App]:
    """The wired app for one command, closed afterwards."""
    with bootstrap(settings(ctx), migrate=migrate) as app:
        yield app
