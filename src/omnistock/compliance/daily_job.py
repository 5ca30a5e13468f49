"""The worker's daily compliance run: check every listing against all packs, once a UTC day.

``ComplianceDaily(now)`` is safe to call on every worker tick: it returns at once when the
newest stored ``worker`` run is for today, or while a run is still going. Otherwise it starts
the run on its own thread (reading every offer of an account can take long; the worker's other
tick hooks — heartbeat, alerts — keep running meanwhile), and ``run(now)`` does it inline:

1. gathers listings from every source (the ``[compliance] listings`` files and, with
   ``from_channels``, every configured Allegro account's offers with Allegro's own
   unfilled-parameter signals); a source that fails is named in the run's ``errors`` and the
   others are still checked;
2. checks them against the packs as of today and with the look-ahead window;
3. raises incidents for violations not reported by the previous run — one per rule, with the
   count: ``rule_upcoming`` (warning/info, before the rule bites) and ``rule_violation`` (rules
   in force, severity as the rule's); incidents of rules nobody breaks any more are resolved
   (only after a run where every source was read);
4. stores the run (``compliance_runs`` / ``compliance_results``) for the API, the dashboard
   (:func:`omnistock.compliance.results.latest_compliance_results`) and the push guard.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool

from omnistock.compliance.allegro_reader import AllegroOfferReader
from omnistock.compliance.allegro_signals import merge_signals
from omnistock.compliance.listings import load_listings
from omnistock.compliance.service import AllegroSnapshot, allegro_snapshot
from omnistock.domain.compliance import (
    ListingContent,
    Report,
    RulePack,
    Violation,
    check,
    daily_run,
    to_occurrence,
)
from omnistock.domain.incidents import IncidentKind, IncidentState, dedup_key, resolve
from omnistock.store.compliance_repository import latest_run, save_run
from omnistock.store.incident_repository import IncidentStore

__all__ = [
    "RULE_KINDS",
    "SOURCE",
    "ComplianceDaily",
    "DailySummary",
    "Gathered",
    "ListingSource",
    "allegro_source",
    "file_source",
]

log = logging.getLogger(__name__)

SOURCE = "worker"
RULE_KINDS = (IncidentKind.RULE_UPCOMING, IncidentKind.RULE_VIOLATION)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gathered:
    """Listings from one source, and Allegro's own signals as violations (now / upcoming)."""

    listings: tuple[ListingContent, ...]
    required: tuple[Violation, ...] = ()
    planned: tuple[Violation, ...] = ()


ListingSource = Callable[[date], Gathered]
"""A named source of listings for the day checked."""


def file_source(path: Path) -> ListingSource:
    """Listings of a ``.csv``/``.json`` file, read again on every run."""
    return lambda day: Gathered(listings=tuple(load_listings(path)))


def allegro_source(open_reader: Callable[[], AllegroOfferReader]) -> ListingSource:
    """Every offer of one Allegro account, with its unfilled-parameter signals."""

    def read(day: date) -> Gathered:
        with open_reader() as reader:
            snapshot: AllegroSnapshot = allegro_snapshot(reader, day)
        return Gathered(
            listings=snapshot.listings, required=snapshot.required, planned=snapshot.planned
        )

    return read


@dataclass(frozen=True, slots=True, kw_only=True)
class DailySummary:
    """What one call did."""

    ran: bool
    day: date
    run_id: int | None = None
    checked: int = 0
    violations: int = 0
    upcoming: int = 0
    alerts: int = 0
    resolved: int = 0
    errors: tuple[str, ...] = ()


@dataclass(slots=True, kw_only=True)
class ComplianceDaily:
    """A worker tick hook (``Worker(tick=[…, ComplianceDaily(…)])``)."""

    engine: Engine
    packs: Sequence[RulePack]
    sources: Mapping[str, ListingSource]
    upcoming_days: int = 30
    incidents: IncidentStore | None = None
    last: DailySummary | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def __call__(self, now: datetime) -> bool:
        """Start today's run on a thread if it is due and none is going; True if started.

        An in-memory SQLite database has one shared connection: the run is then done inline.
        """
        if self._thread is not None and self._thread.is_alive():
            return False
        if not self.due(now):
            return False
        if isinstance(self.engine.pool, StaticPool):
            self._background(now)
            return True
        self._thread = threading.Thread(
            target=self._background, args=(now,), name="compliance-daily"
        )
        self._thread.start()
        return True

    def join(self, timeout: float | None = None) -> bool:
        """Wait for a started run; True when none is going any more."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is None or not self._thread.is_alive()

    def _background(self, now: datetime) -> None:
        try:
            self.last = self.run(now)
        except Exception:
            log.exception("daily compliance run failed")

    def due(self, now: datetime) -> bool:
        """No stored ``worker`` run for the UTC day of ``now`` yet."""
        previous = latest_run(self.engine, source=SOURCE, results=False)
        return previous is None or previous.as_of < now.date()

    def run(self, now: datetime, *, force: bool = False) -> DailySummary:
        """Check once per UTC day of ``now`` (``force``: check regardless)."""
        day = now.date()
        if not force and not self.due(now):
            return DailySummary(ran=False, day=day)
        previous = latest_run(self.engine, source=SOURCE)
        listings: list[ListingContent] = []
        required: list[Violation] = []
        planned: list[Violation] = []
        errors: list[str] = []
        for name, source in self.sources.items():
            try:
                found = source(day)
            except Exception as exc:  # one broken source must not stop the others
                log.warning("compliance source failed", extra={"source": name}, exc_info=True)
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
                continue
            listings += found.listings
            required += found.required
            planned += found.planned
        report = merge_signals(
            check(listings, self.packs, day, self.upcoming_days), required, planned
        )
        known_upcoming = frozenset(r.key for r in previous.upcoming) if previous else frozenset()
        known_now = frozenset(r.key for r in previous.violations) if previous else frozenset()
        result = daily_run(
            listings,
            self.packs,
            day,
            known_upcoming,
            self.upcoming_days,
            known_violations=known_now,
            report=report,
        )
        store = self.incidents or IncidentStore(self.engine)
        alerts = result.all_alerts
        store.record([to_occurrence(a) for a in alerts], now=now)
        resolved = 0 if errors else _resolve_gone(store, report, now)
        run_id = save_run(
            self.engine, report, packs=self.packs, ran_at=now, source=SOURCE, errors=errors
        )
        return DailySummary(
            ran=True,
            day=day,
            run_id=run_id,
            checked=report.checked,
            violations=len(report.violations),
            upcoming=len(report.upcoming),
            alerts=len(alerts),
            resolved=resolved,
            errors=tuple(errors),
        )


def _keys(report: Report) -> set[str]:
    """The incident keys the report's violations stand for."""
    keys = {
        dedup_key(IncidentKind.RULE_UPCOMING, v.channel, f"rule {v.pack}/{v.rule.id}")
        for v in report.upcoming
    }
    keys |= {
        dedup_key(IncidentKind.RULE_VIOLATION, v.channel, f"rule {v.pack}/{v.rule.id}")
        for v in report.violations
    }
    return keys


def _resolve_gone(store: IncidentStore, report: Report, now: datetime) -> int:
    """Resolve rule incidents whose rule no offer breaks any more (or is no longer upcoming)."""
    current = _keys(report)
    unresolved = (IncidentState.OPEN, IncidentState.ACKNOWLEDGED)
    gone = [
        i
        for i in store.incidents(states=unresolved)
        if i.kind in RULE_KINDS and i.key not in current
    ]
    for incident in gone:
        store.save_state(resolve(incident, by="system", now=now), actor="system", now=now)
    return len(gone)
