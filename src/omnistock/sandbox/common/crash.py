"""Answer an unexpected exception with the API's own 500 body and keep the connection usable.

Starlette's outermost error middleware re-raises after answering, which makes uvicorn drop the
keep-alive connection; this middleware sits inside it, logs the traceback and swallows the
exception once a 500 has been sent.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnistock.sandbox.common.faults import ErrorBody

__all__ = ["CrashMiddleware"]

log = logging.getLogger(__name__)


class CrashMiddleware:
    """Pure ASGI: any exception before the response starts becomes ``error_body(500)``."""

    def __init__(self, app: ASGIApp, error_body: ErrorBody) -> None:
        self.app = app
        self.error_body = error_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:
                raise
            log.exception("sandbox crashed on %s %s", scope["method"], scope["path"])
            await self._answer(send)

    async def _answer(self, send: Send) -> None:
        body, headers = self.error_body(500)
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 500, "headers": raw})
        await send({"type": "http.response.body", "body": body})
