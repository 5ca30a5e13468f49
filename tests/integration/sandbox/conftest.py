"""Fixtures for sandbox tests: ``serve(app)`` starts a real HTTP server, stopped at teardown."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp

from omnistock.sandbox.allegro import AllegroLimits, AllegroSandbox
from omnistock.sandbox.allegro import create_app as create_allegro
from omnistock.sandbox.allegro.api_auth import DEVICE_GRANT
from omnistock.sandbox.allegro.errors import MEDIA_TYPE
from omnistock.sandbox.common.base import SandboxOptions
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


MEDIA = MEDIA_TYPE


@dataclass
class AllegroEnv:
    """A running Allegro sandbox: its state, base URL, an authorised client and a bare one."""

    sandbox: AllegroSandbox
    app: FastAPI
    url: str
    api: httpx.Client
    raw: httpx.Client

    def token(self) -> dict[str, Any]:
        """A fresh token pair through the device flow (auto-consent, clock advanced)."""
        return _device_token(self.raw, self.sandbox)

    def reauth(self) -> None:
        """Give ``api`` a fresh access token (after the clock jumped past its expiry)."""
        self.api.headers["Authorization"] = f"Bearer {self.token()['access_token']}"


def _device_token(raw: httpx.Client, sandbox: AllegroSandbox) -> dict[str, Any]:
    """Run the device flow: start, first poll (pending), wait an interval, poll again."""
    started = raw.post("/auth/oauth/device", data={"client_id": "omnistock-sandbox"})
    assert started.status_code == 200, started.text
    poll = {"grant_type": DEVICE_GRANT, "device_code": started.json()["device_code"]}
    first = raw.post("/auth/oauth/token", params=poll)
    assert first.json()["error"] == "authorization_pending"
    sandbox.clock.advance(5)
    second = raw.post("/auth/oauth/token", params=poll)
    assert second.status_code == 200, second.text
    body: dict[str, Any] = second.json()
    return body


@pytest.fixture
def allegro_env(serve: Serve) -> Iterator[Callable[..., AllegroEnv]]:
    """``allegro_env(**options, limits=…)`` starts an Allegro sandbox with a ready client."""
    clients: list[httpx.Client] = []

    def start(limits: AllegroLimits | None = None, **options: Any) -> AllegroEnv:
        app = create_allegro(SandboxOptions(**options), limits)
        server = serve(app)
        sandbox = app.state.sandbox
        raw = httpx.Client(base_url=server.url, auth=("omnistock-sandbox", "omnistock-sandbox"))
        token = _device_token(raw, sandbox)
        api = httpx.Client(
            base_url=server.url,
            headers={
                "Authorization": f"Bearer {token['access_token']}",
                "Accept": MEDIA,
                "Content-Type": MEDIA,
            },
        )
        clients.extend([raw, api])
        return AllegroEnv(sandbox=sandbox, app=app, url=server.url, api=api, raw=raw)

    yield start
    for client in clients:
        client.close()


def _missing_exports(module_name: str) -> tuple[set[str], set[str]]:
    """(names in ``__all__`` that do not exist, public callables not in ``__all__``)."""
    module = importlib.import_module(module_name)
    exported = set(module.__all__)
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not node.name.startswith("_")
    }
    return {n for n in exported if not hasattr(module, n)}, defined - exported


@pytest.fixture(scope="session")
def device_token() -> Callable[[httpx.Client, AllegroSandbox], dict[str, Any]]:
    """``device_token(raw_client, sandbox)``: a token pair through the device flow."""
    return _device_token


@pytest.fixture(scope="session")
def missing_exports() -> Callable[[str], tuple[set[str], set[str]]]:
    """``missing_exports(module)``: (names in ``__all__`` missing, public names not listed)."""
    return _missing_exports
