"""SQL of the compliance area: store a check run with its violations, read the newest back.

Each :func:`save_run` is one transaction (the run row, then its result rows in chunks); only the
newest :data:`KEEP_RUNS` runs are kept, older ones are deleted in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, select

from omnistock.domain.compliance import Lang, Report, RulePack, RuleSeverity, Violation
from omnistock.store.compliance_tables import compliance_results, compliance_runs
from omnistock.store.rows import to_utc, utc

__all__ = [
    "KEEP_RUNS",
    "StoredResult",
    "StoredRun",
    "blocking_offers",
    "latest_run",
    "save_run",
]

KEEP_RUNS = 30
_CHUNK = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredResult:
    """One offer breaking one rule in a stored run."""

    offer: str
    channel: str
    pack: str
    rule: str
    severity: RuleSeverity
    upcoming: bool
    effective_from: date
    message_pl: str
    message_en: str
    source: str

    @property
    def key(self) -> tuple[str, str, str]:
        """(pack, rule, offer), as ``domain.compliance.violation_key``."""
        return (self.pack, self.rule, self.offer)

    def message(self, lang: Lang) -> str:
        return self.message_pl if lang is Lang.PL else self.message_en


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRun:
    """A stored check run: what was checked, with which packs, and what broke."""

    id: int
    as_of: date
    upcoming_until: date
    ran_at: datetime
    source: str
    checked: int
    rules_in_force: int
    rules_upcoming: int
    packs: tuple[dict[str, str], ...]
    errors: tuple[str, ...]
    results: tuple[StoredResult, ...] = ()

    @property
    def violations(self) -> tuple[StoredResult, ...]:
        return tuple(r for r in self.results if not r.upcoming)

    @property
    def upcoming(self) -> tuple[StoredResult, ...]:
        return tuple(r for r in self.results if r.upcoming)


def _result_row(run_id: int, violation: Violation) -> dict[str, Any]:
    rule = violation.rule
    return {
        "run_id": run_id,
        "offer": violation.offer[:200],
        "channel": violation.channel,
        "pack": violation.pack,
        "rule": rule.id,
        "severity": rule.severity.value,
        "upcoming": violation.upcoming,
        "effective_from": rule.effective_from,
        "message_pl": violation.message(Lang.PL),
        "message_en": violation.message(Lang.EN),
        "source": rule.source,
    }


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def save_run(
    engine: Engine,
    report: Report,
    *,
    packs: Sequence[RulePack],
    ran_at: datetime,
    source: str,
    errors: Sequence[str] = (),
    keep: int = KEEP_RUNS,
) -> int:
    """Store ``report`` (violations and upcoming ones) as a new run; returns its id."""
    summary = [{"pack": p.name, "channel": p.channel, "version": p.version} for p in packs]
    with engine.begin() as conn:
        inserted = conn.execute(
            compliance_runs.insert().values(
                as_of=report.as_of,
                upcoming_until=report.upcoming_until,
                ran_at=to_utc(ran_at),
                source=source,
                checked=report.checked,
                rules_in_force=report.rules_in_force,
                rules_upcoming=report.rules_upcoming,
                packs=json.dumps(summary, ensure_ascii=False),
                errors=json.dumps(list(errors), ensure_ascii=False),
            )
        )
        run_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
        found = (*report.violations, *report.upcoming)
        for chunk in _chunks(_result_row(run_id, v) for v in found):
            conn.execute(compliance_results.insert(), chunk)
        runs = compliance_runs.c
        old = select(runs.id).order_by(runs.id.desc()).offset(keep).scalar_subquery()
        cutoff = conn.execute(select(func.max(old))).scalar()
        if cutoff is not None:
            conn.execute(delete(compliance_results).where(compliance_results.c.run_id <= cutoff))
            conn.execute(delete(compliance_runs).where(runs.id <= cutoff))
    return run_id


def latest_run(
    engine: Engine, *, source: str | None = None, results: bool = True
) -> StoredRun | None:
    """The newest stored run (of ``source`` if given), with its results unless ``results``
    is false; ``None`` if none was stored."""
    runs = compliance_runs.c
    query = select(compliance_runs).order_by(runs.id.desc()).limit(1)
    if source is not None:
        query = query.where(runs.source == source)
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
        if row is None:
            return None
        found: list[StoredResult] = []
        if results:
            c = compliance_results.c
            rows = conn.execute(
                select(compliance_results).where(c.run_id == row["id"]).order_by(c.id)
            ).mappings()
            found = [_stored_result(r) for r in rows]
    ran_never = datetime.min.replace(tzinfo=UTC)  # the column is NOT NULL: never used
    return StoredRun(
        id=int(row["id"]),
        as_of=row["as_of"],
        upcoming_until=row["upcoming_until"],
        ran_at=utc(row["ran_at"]) or ran_never,
        source=str(row["source"]),
        checked=int(row["checked"]),
        rules_in_force=int(row["rules_in_force"]),
        rules_upcoming=int(row["rules_upcoming"]),
        packs=tuple(json.loads(row["packs"])),
        errors=tuple(json.loads(row["errors"])),
        results=tuple(found),
    )


def _stored_result(row: Any) -> StoredResult:
    return StoredResult(
        offer=str(row["offer"]),
        channel=str(row["channel"]),
        pack=str(row["pack"]),
        rule=str(row["rule"]),
        severity=RuleSeverity(row["severity"]),
        upcoming=bool(row["upcoming"]),
        effective_from=row["effective_from"],
        message_pl=str(row["message_pl"]),
        message_en=str(row["message_en"]),
        source=str(row["source"]),
    )


def blocking_offers(
    engine: Engine, channel: str, day: date, *, source: str | None = None
) -> dict[str, str]:
    """Offer id → reason, for offers of ``channel`` (a pack channel, e.g. ``allegro``) that
    broke an error-severity rule in force on ``day`` in the newest stored run (an upcoming
    rule of that run counts once ``day`` reaches its ``effective_from``)."""
    runs = compliance_runs.c
    newest = select(func.max(runs.id))
    if source is not None:
        newest = newest.where(runs.source == source)
    c = compliance_results.c
    query = (
        select(c.offer, c.pack, c.rule, c.message_en)
        .where(
            c.run_id == newest.scalar_subquery(),
            c.channel == channel,
            c.severity == RuleSeverity.ERROR.value,
            c.effective_from <= day,
        )
        .order_by(c.id)
    )
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for offer, pack, rule, message in conn.execute(query):
            found.setdefault(str(offer), []).append(f"{pack}/{rule}: {message}")
    return {offer: "; ".join(reasons) for offer, reasons in found.items()}
