"""Notifications: one planned message, and the sent-log rows that remember it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from omnistock.domain.incidents.incident import Severity
from omnistock.domain.incidents.policy import Via

__all__ = ["Notification", "NotificationKind", "SentRecord", "records_for"]


class NotificationKind(StrEnum):
    ALERT = "alert"
    ESCALATION = "escalation"
    REPEATED = "repeated"
    DIGEST = "digest"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """One message to send; ``key`` is its idempotency key (also the e-mail Message-ID seed)."""

    key: str
    via: Via
    kind: NotificationKind
    severity: Severity
    incident_ids: tuple[str, ...]
    counts: tuple[int, ...]
    subject: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SentRecord:
    """One incident covered by one sent notification (a digest writes one per incident)."""

    key: str
    incident_id: str
    via: Via
    kind: NotificationKind
    at: datetime
    count: int


def records_for(notification: Notification, at: datetime) -> list[SentRecord]:
    """The sent-log rows to store once ``notification`` was delivered (or given up on)."""
    return [
        SentRecord(
            key=notification.key,
            incident_id=incident_id,
            via=notification.via,
            kind=notification.kind,
            at=at,
            count=count,
        )
        for incident_id, count in zip(notification.incident_ids, notification.counts, strict=True)
    ]
