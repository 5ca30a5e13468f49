"""What a sender reports: sent, worth retrying, or failed for good — never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from omnistock.domain.incidents import Notification, Via

__all__ = ["DeliveryResult", "DeliveryStatus", "Sender"]


class DeliveryStatus(StrEnum):
    SENT = "sent"
    RETRYABLE = "retryable"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryResult:
    """One attempt's outcome; ``code`` is the provider's (SMSAPI error, SMTP reply, HTTP status).

    ``rejected`` lists recipients the provider refused (invalid phone numbers, refused
    mailboxes): reported, never swallowed, even when the others were reached.
    """

    via: Via
    status: DeliveryStatus
    detail: str = ""
    code: str | None = None
    provider_id: str | None = None
    rejected: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is DeliveryStatus.SENT


class Sender(Protocol):
    """One transport. ``send`` never raises: every failure is a :class:`DeliveryResult`."""

    via: Via

    def send(self, notification: Notification) -> DeliveryResult: ...
