"""The KSeF sandbox's state: keys, authentication operations, tokens, sessions, invoices, limits."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from omnistock.domain.invoicing.ksef_number import ksef_checksum
from omnistock.sandbox.common.base import SandboxBase, SandboxOptions
from omnistock.sandbox.common.ratelimit import SlidingWindow
from omnistock.sandbox.ksef.errors import too_many
from omnistock.sandbox.ksef.keys import KeyPair

__all__ = ["DEFAULT_LIMITS", "AuthOperation", "InvoiceRecord", "KsefSandbox", "Session"]

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
SESSION_TTL = timedelta(hours=12)

# (limit, window seconds) per endpoint group, production values from reference ksef.md §5.7
DEFAULT_LIMITS: dict[str, list[tuple[int, float]]] = {
    "auth": [(60, 1)],
    "online_open": [(10, 1), (30, 60), (120, 3600)],
    "online_invoice": [(10, 1), (30, 60), (180, 3600)],
    "online_close": [(10, 1), (30, 60), (120, 3600)],
    "batch": [(10, 1), (20, 60), (60, 3600)],
    "invoice_status": [(30, 1), (120, 60), (1200, 3600)],
    "session_status": [(10, 1), (120, 60), (1200, 3600)],
    "session_list": [(10, 1), (20, 60), (200, 3600)],
}


@dataclass(slots=True, kw_only=True)
class AuthOperation:
    """One ``/auth/ksef-token`` call: its status and the tokens it may redeem once."""

    reference: str
    nip: str
    token: str
    started: datetime
    code: int
    details: list[str]
    redeemed: bool = False


@dataclass(slots=True, kw_only=True)
class InvoiceRecord:
    """One invoice received in a session, with its processing result."""

    session: str
    reference: str
    ordinal: int
    invoice_hash: str
    received: datetime
    ready_at: float
    code: int
    description: str
    details: list[str] = field(default_factory=list)
    extensions: dict[str, str] | None = None
    number: str | None = None
    kind: str | None = None
    ksef_number: str | None = None
    file_name: str | None = None
    offline: bool = False
    xml: bytes = b""


@dataclass(slots=True, kw_only=True)
class Session:
    """An online (``SO``) or batch (``SB``) session."""

    reference: str
    kind: str
    nip: str
    key: bytes
    iv: bytes
    created: datetime
    updated: datetime
    code: int = 100
    description: str = "Sesja otwarta"
    invoices: list[InvoiceRecord] = field(default_factory=list)
    parts: dict[int, tuple[int, str]] = field(default_factory=dict)
    uploaded: dict[int, bytes] = field(default_factory=dict)
    batch_file: tuple[int, str] | None = None
    offline: bool = False
    ready_at: float = 0.0


class KsefSandbox(SandboxBase):
    """Everything the emulated KSeF API reads and writes; guarded by ``lock``."""

    def __init__(self, options: SandboxOptions) -> None:
        super().__init__(options)
        now = self.clock.now()
        self.token_key = KeyPair.generate("KsefTokenEncryption", now)
        self.symmetric_key = KeyPair.generate("SymmetricKeyEncryption", now)
        self.lock = threading.RLock()
        self.limits: dict[str, list[tuple[int, float]]] = {}
        self.windows: dict[str, list[SlidingWindow]] = {}
        self.set_limits(DEFAULT_LIMITS)
        self.reset_state()

    def reset_state(self) -> None:
        self.ksef_tokens: dict[str, str] = {}  # token → NIP ("*" = any NIP)
        self.ksef_tokens[self.options.client_secret] = "*"
        self.challenges: dict[str, int] = {}
        self.operations: dict[str, AuthOperation] = {}
        self.bearers: dict[str, tuple[str, str, datetime]] = {}  # token → (kind, nip/ref, until)
        self.sessions: dict[str, Session] = {}
        self.registry: dict[tuple[str, str, str], InvoiceRecord] = {}
        self.sequence = 0
        for windows in self.windows.values():
            for window in windows:
                window.reset()

    def set_limits(self, limits: dict[str, list[tuple[int, float]]]) -> None:
        """Replace the limits of the named groups (others keep theirs)."""
        self.limits = {**self.limits, **limits}
        self.windows = {
            group: [SlidingWindow(n, seconds, self.clock) for n, seconds in rules]
            for group, rules in self.limits.items()
        }

    def spend(self, group: str, key: str) -> None:
        """Count one request of ``group`` for ``key`` (NIP + IP); raise 429 when over a limit."""
        for window in self.windows.get(group, []):
            decision = window.hit(f"{group}:{key}")
            if not decision.allowed:
                limit = f"{window.limit} żądań na {window.window_seconds:g} s"
                raise too_many(self.clock.real_seconds(decision.retry_after_seconds), limit)

    def reference(self, kind: str) -> str:
        """A 36-character reference number, e.g. ``20250625-SO-2C3E6C8000-B675CF5D68-07``."""
        day = self.clock.now().strftime("%Y%m%d")
        a, b, c = (
            self.random.getrandbits(40),
            self.random.getrandbits(40),
            self.random.getrandbits(8),
        )
        return f"{day}-{kind}-{a:010X}-{b:010X}-{c:02X}"

    def token(self) -> str:
        """An opaque bearer token."""
        return f"sbx.{self.random.getrandbits(128):032x}"

    def ksef_number(self, nip: str, day: datetime) -> str:
        """The next KSeF number for ``nip``: ``NIP-YYYYMMDD-12 hex-CRC8``."""
        with self.lock:
            self.sequence += 1
            body = f"{nip}-{day:%Y%m%d}-{self.sequence:06X}{self.random.getrandbits(24):06X}"
        return f"{body}-{ksef_checksum(body)}"

    def invoices(self) -> list[InvoiceRecord]:
        """Every invoice received, in order."""
        with self.lock:
            return [i for s in self.sessions.values() for i in s.invoices]
