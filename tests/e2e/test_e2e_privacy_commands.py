"""``omnistock privacy …`` as a user runs it: missing keys are a clear error (exit 2), the
commands work on a fresh database, and an unknown person is "nothing held"."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def with_keys(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    env["OMNISTOCK_DB"] = f"sqlite:///{cwd / 'omnistock.db'}"
    env["OMNISTOCK_PRIVACY_KEYS"] = "k1:" + base64.b64encode(os.urandom(32)).decode()
    env["OMNISTOCK_PRIVACY_HASH_KEY"] = base64.b64encode(os.urandom(32)).decode()
    return subprocess.run(
        [sys.executable, "-m", "omnistock", *args],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=False,
    )  # fmt: skip


def test_missing_keys_are_a_clear_error(cli: Any) -> None:
    done = cli("privacy", "export", "--email", "jan@example.pl")
    assert done.code == 2
    assert "OMNISTOCK_PRIVACY_KEYS" in done.err
    assert "Traceback" not in done.err
    assert "jan@example.pl" not in done.err + done.out


def test_privacy_commands_on_a_fresh_database(cli: Any, tmp_path: Path) -> None:
    assert cli("privacy", "datamap").code == 0
    swept = cli("privacy", "sweep")
    assert swept.code == 0, swept.err
    assert "0 values emptied" in swept.out
    nobody = with_keys(tmp_path, "privacy", "export", "--customer", "allegro:42")
    assert (nobody.returncode, nobody.stdout.strip()) == (0, "nothing held about this person")
    erased = with_keys(tmp_path, "privacy", "erase", "--phone", "600100200", "--yes")
    assert (erased.returncode, erased.stdout.strip()) == (0, "nothing held about this person")
    rotated = with_keys(tmp_path, "privacy", "rotate-key")
    assert rotated.returncode == 0, rotated.stderr
    assert "0 records re-encrypted in 0 batches; 0 left" in rotated.stdout
