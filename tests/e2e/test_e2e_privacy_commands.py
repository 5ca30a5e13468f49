"""``omnistock privacy …`` as a user runs it: missing keys are a clear error (exit 2), the
commands work on a fresh database, and an unknown person is "nothing held"."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Cli, Result, clean_env

pytestmark = pytest.mark.e2e


def with_keys(cwd: Path, *args: str) -> Result:
    env = clean_env(f"sqlite:///{cwd / 'omnistock.db'}")
    env["OMNISTOCK_PRIVACY_KEYS"] = "k1:" + base64.b64encode(os.urandom(32)).decode()
    env["OMNISTOCK_PRIVACY_HASH_KEY"] = base64.b64encode(os.urandom(32)).decode()
    done = subprocess.run(
        [sys.executable, "-m", "omnistock", *args],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=False,
    )  # fmt: skip
    return Result(done.returncode, done.stdout, done.stderr)


def test_missing_keys_are_a_clear_error(cli: Cli) -> None:
    done = cli("privacy", "export", "--email", "jan@example.pl")
    assert done.code == 2
    assert "OMNISTOCK_PRIVACY_KEYS" in done.err
    assert "Traceback" not in done.err
    assert "jan@example.pl" not in done.err + done.out


def test_privacy_commands_on_a_fresh_database(cli: Cli, tmp_path: Path) -> None:
    assert cli("privacy", "datamap").code == 0
    swept = cli("privacy", "sweep")
    assert swept.code == 0, swept.err
    assert "0 values emptied" in swept.out
    nobody = with_keys(tmp_path, "privacy", "export", "--customer", "allegro:42")
    assert (nobody.code, nobody.out.strip()) == (0, "nothing held about this person")
    erased = with_keys(tmp_path, "privacy", "erase", "--phone", "600100200", "--yes")
    assert (erased.code, erased.out.strip()) == (0, "nothing held about this person")
    rotated = with_keys(tmp_path, "privacy", "rotate-key")
    assert rotated.code == 0, rotated.err
    assert "0 records re-encrypted in 0 batches; 0 left" in rotated.out
