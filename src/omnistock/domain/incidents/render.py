"""Message texts for notifications: short subjects, SMS-safe text, no personal data."""

from __future__ import annotations

from collections.abc import Sequence

from omnistock.domain.incidents.incident import Incident
from omnistock.domain.incidents.notification import NotificationKind
from omnistock.domain.incidents.policy import Via
from omnistock.domain.incidents.texts import redact, shorten, sms_text

__all__ = ["render"]

_PREFIX = "[omnistock]"


def render(kind: NotificationKind, incidents: Sequence[Incident], via: Via) -> tuple[str, str]:
    """``(subject, text)`` for one notification; SMS text fits one 160-character message."""
    first = incidents[0]
    if kind is NotificationKind.DIGEST:
        names = "; ".join(_name(i) for i in incidents)
        subject = f"{_PREFIX} {len(incidents)} more alerts: {names}"
    elif kind is NotificationKind.RESOLVED:
        subject = f"{_PREFIX} RESOLVED {_name(first)}"
    elif kind is NotificationKind.REPEATED:
        subject = f"{_PREFIX} still happening {_name(first)} ({first.count}x)"
    else:
        subject = f"{_PREFIX} {first.severity.upper()} {_name(first)} ({first.count}x)"
    if via is Via.SMS:
        text = sms_text(
            subject
            if not first.detail or kind is NotificationKind.DIGEST
            else f"{subject}: {first.detail}"
        )
        return shorten(subject, 160), text
    return shorten(redact(subject), 200), "\n\n".join(_body(i) for i in incidents)


def _name(incident: Incident) -> str:
    return f"{incident.kind} {incident.channel or ''} {incident.subject}".replace("  ", " ")


def _body(incident: Incident) -> str:
    lines = [
        f"Incident: {incident.id}",
        f"Kind: {incident.kind}",
        f"Severity: {incident.severity}",
        f"Channel: {incident.channel or '-'}",
        f"Subject: {incident.subject}",
        f"State: {incident.state}",
        f"Occurrences: {incident.count}",
        f"First seen: {incident.first_seen.isoformat()}",
        f"Last seen: {incident.last_seen.isoformat()}",
    ]
    if incident.detail:
        lines.append(f"Detail: {incident.detail}")
    lines.append(f"Acknowledge: omnistock incidents ack '{incident.id}'")
    return redact("\n".join(lines))
