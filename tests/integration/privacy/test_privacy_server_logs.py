"""The API server's own loggers (``uvicorn``, ``uvicorn.error``, ``uvicorn.access``) mask personal
data: a real request over loopback with e-mails and phones in its query string, and an error
whose traceback names a buyer, leave none of them in the server's log output."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from uvicorn.config import LOGGING_CONFIG

from omnistock.bootstrap import App, bootstrap
from omnistock.config import Settings
from omnistock.entrypoints.api import create_app
from omnistock.privacy.redaction import UVICORN_LOGGERS, RedactionFilter, with_redaction
from omnistock.service.clock import FixedClock

T0 = datetime(2026, 11, 27, 12, tzinfo=UTC)
EMAIL, PHONE, OTHER = "jan.kowalski@example.pl", "+48600700800", "zofia.w@example.pl"
LEAKS = ("jan.kowalski", "kowalski%40", "600700800", "600 700 800", "zofia.w", "ul. kwiatowa")


class Records(logging.Handler):
    """Keeps every formatted record (after the loggers' own filters ran)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def omni(tmp_path: Path) -> Iterator[App]:
    settings = Settings.from_env({}, db_url=f"sqlite:///{tmp_path / 'api.db'}")
    with bootstrap(settings, clock=FixedClock(T0), migrate=True) as app:
        yield app


def _wait(condition: object, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.01)


def _boom() -> None:
    raise RuntimeError(f"cannot deliver to {OTHER}, street=ul. Kwiatowa 17, tel {PHONE}")


def test_server_logs_carry_no_personal_data(omni: App, capsys: pytest.CaptureFixture[str]) -> None:
    api = create_app(omni)
    api.add_api_route("/boom", _boom)  # an unhandled error whose message names a buyer
    config = uvicorn.Config(api, log_config=with_redaction(LOGGING_CONFIG), log_level="info",
                            access_log=True, lifespan="off")  # fmt: skip
    records = Records()
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        assert any(isinstance(f, RedactionFilter) for f in logger.filters), name
        for handler in logger.handlers:  # uvicorn's own handlers, from the log_config
            assert any(isinstance(f, RedactionFilter) for f in handler.filters), name
        logger.addHandler(records)
    server = uvicorn.Server(config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait(lambda: server.started, "server start")
        base = f"http://{sock.getsockname()[0]}:{sock.getsockname()[1]}"
        with httpx.Client(base_url=base, timeout=10) as http:
            asked = http.get("/api/privacy/export", params={"email": EMAIL, "phone": PHONE})
            assert asked.status_code == 404
            v1 = http.get("/api/v1/orders", params={"q": EMAIL.upper(), "street": "ul. Kwiatowa"})
            assert v1.status_code == 401
            assert http.get("/boom").status_code == 500
        _wait(lambda: sum("GET /" in line for line in records.lines) >= 3, "access log lines")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for name in UVICORN_LOGGERS:
            logging.getLogger(name).removeHandler(records)
    written = capsys.readouterr()
    output = "\n".join([*records.lines, written.out, written.err])
    assert "GET /api/privacy/export?email=[redacted]&phone=[redacted]" in output
    assert "Exception in ASGI application" in output  # uvicorn.error logged the failure…
    assert "RuntimeError: cannot deliver to [redacted]" in output  # …and its traceback, masked
    assert [leak for leak in LEAKS if leak in output.lower()] == []
