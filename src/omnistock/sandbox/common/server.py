"""Serve a sandbox app with uvicorn on a loopback port in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from omnistock.sandbox.common.faults import TRANSPORT_EXTENSION

__all__ = ["SandboxServer"]


class _ExposeTransport:
    """Puts the connection's transport in the scope so faults can drop the connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if scope["type"] == "http" and transport is not None:
            extensions = {**scope.get("extensions", {}), TRANSPORT_EXTENSION: transport}
            scope = {**scope, "extensions": extensions}
        await self.app(scope, receive, send)


class _Server(uvicorn.Server):
    """uvicorn whose idle loop can be woken from another thread, so ``stop`` is immediate."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            try:
                await asyncio.wait_for(self._wake.wait(), 0.1)
            except TimeoutError:
                pass

    def wake(self) -> None:
        """Make the idle loop notice ``should_exit`` now (thread-safe)."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)


class SandboxServer:
    """uvicorn in a thread; ``port=0`` picks a free port, known as soon as it is created."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted connections when the
        # listening socket says it is TCP; with protocol 0, Nagle adds ~40 ms to every request.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.bind((host, port))
        except OSError:
            self._socket.close()
            raise
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            _ExposeTransport(app),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8401``."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> SandboxServer:
        """Start serving and return once the server listens (or raise after ``timeout``)."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"sandbox server on {self.url} failed to start")
            if time.monotonic() > deadline:
                raise TimeoutError(f"sandbox server on {self.url} did not start in {timeout}s")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self._server.should_exit = True
        self._server.wake()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
