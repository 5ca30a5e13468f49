"""Run the real ``omnistock`` command line as a subprocess against a temporary SQLite database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


def clean_env(db_url: str | None) -> dict[str, str]:
    """The caller's environment without any OMNISTOCK_* variable, plus a wide terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    if db_url:
        env["OMNISTOCK_DB"] = db_url
    return env


def run_cli(cwd: Path, db_url: str | None, *args: str, timeout: float = 120) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "omnistock", *args],
        cwd=cwd,
        env=clean_env(db_url),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def omnistock() -> Callable[..., Result]:
    """``omnistock(cwd, db_url, *args)``: run the CLI anywhere, with or without OMNISTOCK_DB."""
    return run_cli


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database, made once by ``omnistock init`` and copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    db = folder / "omnistock.db"
    result = run_cli(folder, f"sqlite:///{db}", "init")
    assert result.code == 0, result.err
    return db


@pytest.fixture
def cli(tmp_path: Path, template_db: Path) -> Cli:
    """Run ``omnistock ARGS…`` in ``tmp_path`` on a fresh copy of the migrated database."""
    shutil.copy(template_db, tmp_path / "omnistock.db")
    url = f"sqlite:///{tmp_path / 'omnistock.db'}"

    def run(*args: str) -> Result:
        return run_cli(tmp_path, url, *args)

    return run
