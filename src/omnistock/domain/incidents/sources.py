"""Occurrences raised by the safety guard and the stock-source checks (ids and numbers only)."""

from __future__ import annotations

from omnistock.domain.incidents.incident import IncidentKind, Occurrence, Severity
from omnistock.domain.safety.guard import GuardVerdict
from omnistock.domain.safety.sources import FeedCheck

__all__ = [
    "from_feed_check",
    "from_verdict",
    "stale_source",
    "suspicious_read",
]


def from_verdict(verdict: GuardVerdict, channel: str, cause: str | None = None) -> list[Occurrence]:
    """A set hold → one critical occurrence; each held item and each sanity error → one each.

    With ``cause`` (e.g. the import id) the set hold is keyed by the cause, not the channel: one
    bad import that holds the sets of several channel accounts is **one** critical incident
    whose count is the number of channel accounts held.
    """
    found = [_set_hold(verdict, channel, cause)] if verdict.set_held else []
    found += [
        _occ(IncidentKind.HELD_ITEM, Severity.WARNING, channel, "large drops", held.message)
        for held in verdict.held
        if not verdict.set_held
    ]
    found += [
        _occ(IncidentKind.SANITY_ERROR, Severity.ERROR, channel, error.problem, error.message)
        for error in verdict.errors
    ]
    return found


def _set_hold(verdict: GuardVerdict, channel: str, cause: str | None) -> Occurrence:
    detail = f"{channel}: {len(verdict.held)} changes held: {verdict.held[0].message}"
    return Occurrence(
        kind=IncidentKind.GUARD_HOLD,
        severity=Severity.CRITICAL,
        subject=f"change-set from {cause}" if cause else "change-set",
        channel=None if cause else channel,
        detail=detail,
    )


def from_feed_check(check: FeedCheck, source: str) -> Occurrence | None:
    """A rejected feed → an error occurrence for its source; ``None`` when accepted."""
    if check.problem is None:
        return None
    return Occurrence(
        kind=IncidentKind.FEED_REJECTED,
        severity=Severity.ERROR,
        subject=f"{source} {check.problem}",
        detail=check.message,
    )


def stale_source(source: str, stale: int) -> Occurrence:
    """A source stopped reporting ``stale`` SKUs (kept unknown, not zeroed)."""
    return Occurrence(
        kind=IncidentKind.STALE_SOURCE,
        severity=Severity.WARNING,
        subject=source,
        detail=f"{stale} SKUs not reported within the maximum age",
    )


def suspicious_read(channel: str, zeroed: int) -> Occurrence:
    """The channel claims ``zeroed`` active offers are at 0: critical, nothing overwritten."""
    return _occ(
        IncidentKind.SUSPICIOUS_READ,
        Severity.CRITICAL,
        channel,
        "all offers at 0",
        f"{zeroed} active offers read as 0; local state kept",
    )


def _occ(
    kind: IncidentKind, severity: Severity, channel: str, subject: str, detail: str
) -> Occurrence:
    return Occurrence(kind=kind, severity=severity, subject=subject, channel=channel, detail=detail)
