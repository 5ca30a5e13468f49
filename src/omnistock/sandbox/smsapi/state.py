"""The SMSAPI sandbox's state: the account (token, points, filters) and the messages sent."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal

from omnistock.sandbox.common.base import SandboxBase, SandboxOptions

__all__ = ["Account", "SentSms", "SmsapiSandbox", "normalize_number", "parts_of"]

POINTS_PER_PART = Decimal("0.16")
START_POINTS = Decimal("100.00")


@dataclass(slots=True, kw_only=True)
class Account:
    """What the account allows; admin routes change it to provoke 103, 105, 110 and 202."""

    points: Decimal = START_POINTS
    ip_allowed: bool = True
    service_available: bool = True
    sender_names: list[str] = field(default_factory=lambda: ["Test", "omnistock"])
    busy_next: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SentSms:
    """One message to one number as the sandbox accepted it."""

    id: str
    number: str
    submitted_number: str
    message: str
    sender: str
    parts: int
    points: Decimal
    date_sent: int
    status: str
    test: bool
    request_id: str | None


class SmsapiSandbox(SandboxBase):
    """The access token is ``options.client_secret``."""

    def __init__(self, options: SandboxOptions) -> None:
        super().__init__(options)
        self.access_token = options.client_secret
        self.lock = threading.Lock()
        self.account = Account()
        self.messages: list[SentSms] = []
        self._next_id = 1

    def reset_state(self) -> None:
        with self.lock:
            self.account = Account()
            self.messages = []
            self._next_id = 1

    def next_id(self) -> str:
        with self.lock:
            value = self._next_id
            self._next_id += 1
        return f"{value:024X}"


def normalize_number(submitted: str) -> str | None:
    """``48600100200`` for a valid number, ``None`` for an invalid one.

    Polish numbers may come without the country code (9 digits) and must be mobile-range
    (first digit 4–8); other country codes take 10–15 digits.
    """
    digits = submitted.strip().replace(" ", "").replace("-", "").removeprefix("+")
    if digits.startswith("00"):
        digits = digits[2:]
    if not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) == 9:
        digits = "48" + digits
    if digits.startswith("48"):
        return digits if len(digits) == 11 and digits[2] in "45678" else None
    return digits if 10 <= len(digits) <= 15 else None


_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def parts_of(message: str) -> int:
    """SMS parts: GSM-7 160 / 153 per part; otherwise Unicode 70 / 67 per part."""
    single, multi = (160, 153) if set(message) <= _GSM7 else (70, 67)
    if len(message) <= single:
        return 1
    return -(-len(message) // multi)
