"""The request log: a bounded ring of the emulated-API requests a sandbox received."""

from __future__ import annotations

import json
import threading
from collections import deque
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnistock.sandbox.common.clock import SandboxClock
from omnistock.sandbox.common.faults import ADMIN_PREFIX

__all__ = ["RequestEntry", "RequestLog", "RequestLogMiddleware"]

_JSON_LIMIT = 64 * 1024


class RequestEntry(BaseModel):
    """One request: when, what, and how it was answered (``status`` None: no answer)."""

    time: datetime
    method: str
    path: str
    query: str
    status: int | None
    body_size: int
    body_json: Any = None


class RequestLog:
    """Keeps the last ``maxlen`` entries; thread-safe."""

    def __init__(self, maxlen: int = 5000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[RequestEntry] = deque(maxlen=maxlen)

    def add(self, entry: RequestEntry) -> None:
        """Append one entry (the oldest falls out when full)."""
        with self._lock:
            self._entries.append(entry)

    def entries(self, path: str | None = None) -> list[RequestEntry]:
        """Entries in arrival order; ``path`` keeps those whose path starts with it."""
        with self._lock:
            items = list(self._entries)
        return [e for e in items if path is None or e.path.startswith(path)]

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()


class RequestLogMiddleware:
    """Pure ASGI middleware recording every request outside ``/_sandbox`` in a RequestLog."""

    def __init__(self, app: ASGIApp, log: RequestLog, clock: SandboxClock) -> None:
        self.app = app
        self.log = log
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        size = [0]
        status: list[int] = []
        at = self.clock.now()

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                size[0] += len(chunk)
                if len(body) <= _JSON_LIMIT:
                    body.extend(chunk)
            return message

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            entry = _entry(scope, at, status[0] if status else None, bytes(body), size[0])
            self.log.add(entry)


def _entry(scope: Scope, at: datetime, status: int | None, body: bytes, size: int) -> RequestEntry:
    return RequestEntry(
        time=at,
        method=scope["method"],
        path=scope["path"],
        query=scope.get("query_string", b"").decode("latin-1"),
        status=status,
        body_size=size,
        body_json=_json_or_none(body) if size == len(body) else None,
    )


def _json_or_none(body: bytes) -> Any:
    if not body or len(body) > _JSON_LIMIT:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None
