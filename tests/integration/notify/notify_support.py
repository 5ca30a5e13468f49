"""Helpers for the notify integration tests: SMTP inbox, TLS certificate, notifications."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

USER, PASSWORD = "alerts", "s3cret"


@dataclass
class Inbox:
    """What an aiosmtpd server received; ``reply`` scripts answers per SMTP step."""

    messages: list[Envelope] = field(default_factory=list)
    rcpt_reply: Callable[[str], str | None] = lambda address: None
    data_reply: str | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        reply = self.rcpt_reply(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.data_reply:
            return self.data_reply
        self.messages.append(envelope)
        self.arrived.set()
        return "250 Message accepted for delivery"


def authenticate(server, session: Session, envelope, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


AUTH_OPTIONS = {
    "authenticator": authenticate,
    "auth_required": True,
}


def make_notification(via, *, text: str = "[omnistock] CRITICAL guard_hold shop change-set (x1)"):
    from omnistock.domain.incidents import Notification, NotificationKind, Severity

    return Notification(
        key=f"guard_hold:shop:change-set@2026-11-27T12:00:00+00:00/{via}/alert",
        via=via,
        kind=NotificationKind.ALERT,
        severity=Severity.CRITICAL,
        incident_ids=("guard_hold:shop:change-set@2026-11-27T12:00:00+00:00",),
        counts=(1,),
        subject="[omnistock] CRITICAL guard_hold shop change-set (x1)",
        text=text,
    )
