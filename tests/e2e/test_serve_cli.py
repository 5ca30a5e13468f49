"""``omnistock token …`` and ``omnistock serve [--with-worker]`` run as a user runs them."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling a condition with a deadline, not waiting for time to pass
    raise AssertionError("serve did not answer /healthz in time")


def test_token_create_list_revoke(cli) -> None:
    made = cli("token", "create", "--role", "operator", "--name", "magazyn", "--json")
    assert made.code == 0, made.err
    token = made.json()
    assert token["secret"].startswith("omni_")
    listed = cli("token", "list", "--json").json()
    assert [(t["id"], t["role"], t["name"]) for t in listed] == [
        (token["id"], "operator", "magazyn")
    ]
    assert token["secret"] not in cli("token", "list").out
    assert cli("token", "revoke", token["id"]).code == 0
    again = cli("token", "revoke", token["id"])
    assert again.code != 0
    assert "token_id" in again.err
    bad = cli("token", "create", "--role", "root")
    assert bad.code != 0


def _wait_swept(database: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as conn:
            if conn.execute("SELECT count(*) FROM privacy_job_runs").fetchone()[0]:
                return
        time.sleep(0.1)
    raise AssertionError("the worker did not run the privacy retention sweep")


def test_serve_with_worker_answers_the_api(cli, tmp_path: Path) -> None:
    secret = cli("token", "create", "--role", "viewer", "--json").json()["secret"]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISTOCK_")}
    env["OMNISTOCK_DB"] = f"sqlite:///{tmp_path / 'omnistock.db'}"
    args = ["serve", "--port", str(port), "--with-worker", "--interval", "0.2"]
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "omnistock", *args],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        headers = {"Authorization": f"Bearer {secret}"}
        assert httpx.get(f"{url}/api/v1/products", headers=headers).json() == []
        assert httpx.get(f"{url}/api/v1/products").status_code == 401
        assert httpx.get(f"{url}/readyz").json()["database"] == "ok"
        assert httpx.get(f"{url}/dashboard/login").status_code == 200
        _wait_swept(tmp_path / "omnistock.db")  # the worker ran the daily privacy sweep
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0, log.read_text()
    assert f"serving on http://127.0.0.1:{port}/dashboard/" in log.read_text()
