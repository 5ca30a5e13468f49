"""Dashboard sections of later areas (failed pushes, orders, invoices, compliance).

Holds and incidents have their own pages (``dashboard/actions.py``).

Each :class:`Section` loads its rows through a service or store reader; one that fails to
load shows "not configured" (:func:`safe_load`). An area adds its entry to :data:`SECTIONS`
(one line in its own module: ``SECTIONS["orders"] = Section(key="orders", load=loader)``);
loaders return counts or rows that contain **no personal data** (viewers see every section).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from omnistock.store.operations_repository import recent_sync_incidents

__all__ = ["SECTIONS", "Section", "SectionContext", "SectionData", "safe_load"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionData:
    """``configured`` False renders "not configured"; cells are rendered escaped.

    ``columns`` are label keys (``i18n.LABELS``); ``facts`` are ``(label key, value)`` pairs
    shown above the tables; ``parts`` are further tables, each under the label of its key.
    """

    configured: bool
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[object]] = field(default_factory=list)
    facts: Sequence[tuple[str, object]] = ()
    parts: Sequence[tuple[str, SectionData]] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionContext:
    """What a section may depend on besides the database: the page's language and today."""

    engine: Engine
    lang: str
    today: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """``load(engine)``, or ``view(context)`` for a section that depends on language or day."""

    key: str  # also the label key in i18n.LABELS
    load: Callable[[Engine], SectionData] | None = None
    view: Callable[[SectionContext], SectionData] | None = None


def sync_incidents(engine: Engine) -> SectionData:
    """Dead sync items recorded by the sync engine (newest 100, newest first)."""
    cells = [
        (r["created_at"], r["channel"], r["offer_id"] or "", r["kind"], r["message"])
        for r in recent_sync_incidents(engine, 100)
    ]
    return SectionData(
        configured=True,
        columns=("created_at", "channel", "offer_id", "kind", "message"),
        rows=cells,
    )


SECTIONS: dict[str, Section] = {
    "sync_dead": Section(key="sync_dead", load=sync_incidents),
}


def safe_load(section: Section, context: SectionContext) -> SectionData:
    """A section that fails to load shows as not configured instead of breaking the page."""
    try:
        if section.view is not None:
            return section.view(context)
        if section.load is not None:
            return section.load(context.engine)
    except Exception:  # a later area's table may not match yet
        pass
    return SectionData(configured=False)
