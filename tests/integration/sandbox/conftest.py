"""Fixtures for sandbox tests: ``serve(app)`` starts a real HTTP server, stopped at teardown."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.types import ASGIApp

from omnistock.sandbox.common.server import SandboxServer

Serve = Callable[[ASGIApp], SandboxServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Call ``serve(app)`` to get a started SandboxServer on an ephemeral loopback port."""
    servers: list[SandboxServer] = []

    def start(app: ASGIApp) -> SandboxServer:
        server = SandboxServer(app).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
