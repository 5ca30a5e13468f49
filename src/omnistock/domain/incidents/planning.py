"""What to send now: a pure plan from incidents, what was already sent, the clock and the policy.

For each incident and sender, in order:

- **alert** — an open incident is announced once per sender of its severity's ``immediate`` set;
- **escalation** — still open (not acknowledged) ``escalate_after`` after it was first seen →
  the ``escalate`` senders (e.g. SMS after 10 min);
- **repeated** — an alerted, unresolved incident whose count grew gets one update by
  ``repeat_via`` at most every ``repeat_every`` (1,000 failures → one alert plus updates);
- **resolved** — once resolved, every sender that announced it says so.

Quiet hours hold back their senders except for severities that ignore them; held-back messages
are planned again later (nothing is marked sent). SMS are capped at ``sms_per_hour`` in a
rolling hour: when a plan would exceed it, the last free slot carries one **digest** of the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from omnistock.domain.incidents.incident import Incident, IncidentState
from omnistock.domain.incidents.notification import (
    Notification,
    NotificationKind,
    SentRecord,
)
from omnistock.domain.incidents.policy import NotificationPolicy, Via
from omnistock.domain.incidents.render import render

__all__ = ["plan_notifications"]


_ANNOUNCING = (NotificationKind.ALERT, NotificationKind.ESCALATION, NotificationKind.DIGEST)


def plan_notifications(
    incidents: Sequence[Incident],
    sent_log: Sequence[SentRecord],
    now: datetime,
    policy: NotificationPolicy,
) -> list[Notification]:
    """Notifications due at ``now`` (see the module docstring for the rules)."""
    log = _Log(sent_log)
    wanted = [c for inc in incidents for c in _candidates(inc, log, now, policy)]
    audible = [c for c in wanted if c[1] in policy.enabled and not _quiet(c, now, policy)]
    sms = [c for c in audible if c[1] is Via.SMS]
    other = [c for c in audible if c[1] is not Via.SMS]
    planned = [_single(inc, via, kind, now) for inc, via, kind in other]
    return planned + _capped_sms(sms, log, now, policy)


_Candidate = tuple[Incident, Via, NotificationKind]


class _Log:
    """The sent log indexed by incident and sender."""

    def __init__(self, records: Iterable[SentRecord]) -> None:
        self.records = list(records)
        self.by_incident: dict[tuple[str, Via], list[SentRecord]] = {}
        for r in self.records:
            self.by_incident.setdefault((r.incident_id, r.via), []).append(r)

    def kinds(self, incident: Incident, via: Via) -> set[NotificationKind]:
        return {r.kind for r in self.by_incident.get((incident.id, via), [])}

    def latest(self, incident: Incident, via: Via) -> SentRecord | None:
        rows = self.by_incident.get((incident.id, via), [])
        return max(rows, key=lambda r: r.at) if rows else None

    def sms_keys_since(self, since: datetime) -> set[str]:
        return {r.key for r in self.records if r.via is Via.SMS and r.at > since}


def _candidates(
    incident: Incident, log: _Log, now: datetime, policy: NotificationPolicy
) -> list[_Candidate]:
    if incident.state is IncidentState.RESOLVED:
        return [
            (incident, via, NotificationKind.RESOLVED)
            for via in Via
            if _owes_resolved(incident, log, via)
        ]
    found = _repeated(incident, log, now, policy)
    if incident.state is not IncidentState.OPEN:
        return found
    rule = policy.rule(incident.severity)
    escalating = now - incident.first_seen >= rule.escalate_after
    for via in Via:
        if log.kinds(incident, via) & set(_ANNOUNCING):
            continue
        if via in rule.immediate:
            found.append((incident, via, NotificationKind.ALERT))
        elif via in rule.escalate and escalating:
            found.append((incident, via, NotificationKind.ESCALATION))
    return found


def _owes_resolved(incident: Incident, log: _Log, via: Via) -> bool:
    """Announced through ``via`` and told nothing since it was resolved."""
    if not log.kinds(incident, via) & set(_ANNOUNCING):
        return False
    latest = log.latest(incident, via)
    resolved_at = incident.resolved_at or incident.last_seen
    return (
        latest is not None
        and latest.at < resolved_at
        and latest.kind is not NotificationKind.RESOLVED
    )


def _repeated(
    incident: Incident, log: _Log, now: datetime, policy: NotificationPolicy
) -> list[_Candidate]:
    via = policy.repeat_via
    latest = log.latest(incident, via)
    if latest is None or incident.count <= latest.count:
        return []
    if now - latest.at < policy.repeat_every:
        return []
    return [(incident, via, NotificationKind.REPEATED)]


def _quiet(candidate: _Candidate, now: datetime, policy: NotificationPolicy) -> bool:
    incident, via, _ = candidate
    quiet = policy.quiet_hours
    if quiet is None or via not in quiet.vias or not quiet.active(now):
        return False
    return not policy.rule(incident.severity).ignores_quiet_hours


def _capped_sms(
    sms: list[_Candidate], log: _Log, now: datetime, policy: NotificationPolicy
) -> list[Notification]:
    free = policy.sms_per_hour - len(log.sms_keys_since(now - timedelta(hours=1)))
    ordered = sorted(sms, key=lambda c: (-c[0].severity.rank, c[0].first_seen, c[0].id))
    if len(ordered) <= free:
        return [_single(inc, via, kind, now) for inc, via, kind in ordered]
    if free <= 0:
        return []
    singles = [_single(inc, via, kind, now) for inc, via, kind in ordered[: free - 1]]
    return [*singles, _digest([c[0] for c in ordered[free - 1 :]], now)]


def _single(incident: Incident, via: Via, kind: NotificationKind, now: datetime) -> Notification:
    suffix = f"/{incident.count}" if kind is NotificationKind.REPEATED else ""
    subject, text = render(kind, [incident], via)
    return Notification(
        key=f"{incident.id}/{via}/{kind}{suffix}",
        via=via,
        kind=kind,
        severity=incident.severity,
        incident_ids=(incident.id,),
        counts=(incident.count,),
        subject=subject,
        text=text,
    )


def _digest(incidents: list[Incident], now: datetime) -> Notification:
    subject, text = render(NotificationKind.DIGEST, incidents, Via.SMS)
    return Notification(
        key=f"digest/{Via.SMS}/{now.isoformat()}",
        via=Via.SMS,
        kind=NotificationKind.DIGEST,
        severity=max((i.severity for i in incidents), key=lambda s: s.rank),
        incident_ids=tuple(i.id for i in incidents),
        counts=tuple(i.count for i in incidents),
        subject=subject,
        text=text,
    )
