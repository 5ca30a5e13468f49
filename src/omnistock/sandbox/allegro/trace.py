"""``Trace-Id`` on every emulated response, as Allegro sends it (quote it in bug reports)."""

from __future__ import annotations

import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnistock.sandbox.common.faults import ADMIN_PREFIX

__all__ = ["TraceIdMiddleware"]


class TraceIdMiddleware:
    """Pure ASGI middleware adding a fresh ``Trace-Id`` header outside ``/_sandbox``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        trace = uuid.uuid4().hex.encode()

        async def send_with_trace(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"trace-id", trace)],
                }
            await send(message)

        await self.app(scope, receive, send_with_trace)
