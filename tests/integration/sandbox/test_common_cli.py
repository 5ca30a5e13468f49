"""``omnistock sandbox up`` as a user runs it: a real process, base URLs, faults file, Ctrl-C."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from omnistock.entrypoints.cli import _register, app
from omnistock.entrypoints.cli.sandbox import load_faults

LAUNCH = "from omnistock.entrypoints.cli import main; main()"


def _lines(process: subprocess.Popen[str]) -> tuple[queue.Queue[str], threading.Thread]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return lines, thread


def _until(lines: queue.Queue[str], marker: str, seen: list[str]) -> None:
    deadline = time.monotonic() + 30
    while not any(marker in line for line in seen):
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in output: {seen}"
        seen.append(lines.get(timeout=left))


@pytest.mark.e2e
def test_sandbox_up_serves_until_interrupted(tmp_path: Path) -> None:
    faults = tmp_path / "faults.toml"
    faults.write_text("[allegro]\nlatency_ms = [1, 2]\nasync_delay_seconds = 30\n")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            LAUNCH,
            "sandbox",
            "up",
            "--only",
            "allegro",
            "--port-base",
            "0",
            "--faults",
            str(faults),
            "--seed",
            "3",
            "--time-scale",
            "10",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    lines, pump = _lines(process)
    try:
        _until(lines, "Ctrl-C", seen)
        url = re.search(r"allegro\s+(http://127\.0\.0\.1:\d+)", "".join(seen))
        assert url is not None, seen
        clock = httpx.get(f"{url[1]}/_sandbox/clock").json()
        assert clock["time_scale"] == 10
        active = httpx.get(f"{url[1]}/_sandbox/faults").json()
        assert (active["latency_ms"], active["async_delay_seconds"]) == ([1, 2], 30)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        _until(lines, "stopped", seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        pump.join(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


@pytest.fixture
def runner() -> CliRunner:
    _register()
    return CliRunner()


def test_unknown_sandbox_name_is_rejected(runner: CliRunner) -> None:
    result = runner.invoke(app, ["sandbox", "up", "--only", "allegro,ebay"])
    assert result.exit_code == 2
    assert "ebay" in result.output


def test_bad_faults_file_names_the_key(runner: CliRunner, tmp_path: Path) -> None:
    faults = tmp_path / "faults.toml"
    faults.write_text("[allegro]\nerror_rate = 3\n")
    result = runner.invoke(app, ["sandbox", "up", "--faults", str(faults)])
    assert result.exit_code == 2
    assert "allegro.error_rate" in result.output


def test_faults_file_with_unknown_table_or_bad_toml(tmp_path: Path) -> None:
    import typer

    faults = tmp_path / "faults.toml"
    faults.write_text("[ebay]\nerror_rate = 0.1\n")
    with pytest.raises(typer.BadParameter, match="ebay"):
        load_faults(faults, ["allegro"])
    faults.write_text("[allegro\n")
    with pytest.raises(typer.BadParameter):
        load_faults(faults, ["allegro"])
    faults.write_text("[allegro]\nburst_429 = {every = 5, retry_after = false}\n")
    config = load_faults(faults, ["allegro"])["allegro"]
    assert config.burst_429 is not None
    assert (config.burst_429.every, config.burst_429.retry_after) == (5, False)


def test_busy_port_exits_with_an_error(runner: CliRunner) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(
            app, ["sandbox", "up", "--only", "allegro", "--port-base", str(port)]
        )
    assert result.exit_code == 1
    assert "cannot start sandbox" in result.output
