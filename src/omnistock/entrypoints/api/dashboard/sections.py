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

from sqlalchemy import Engine

from omnistock.store.sync_repository import SyncStore

__all__ = ["SECTIONS", "Section", "SectionData", "safe_load"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionData:
    """``configured`` False renders "not configured"; cells are rendered escaped."""

    configured: bool
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[object]] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    key: str  # also the label key in i18n.LABELS
    load: Callable[[Engine], SectionData]


def sync_incidents(engine: Engine) -> SectionData:
    """Dead sync items recorded by the sync engine (newest 100)."""
    rows = SyncStore(engine).incidents()[-100:]
    cells = [
        (r["created_at"], r["channel"], r["offer_id"] or "", r["kind"], r["message"])
        for r in reversed(rows)
    ]
    return SectionData(
        configured=True,
        columns=("created_at", "channel", "offer_id", "kind", "message"),
        rows=cells,
    )


SECTIONS: dict[str, Section] = {
    "sync_dead": Section(key="sync_dead", load=sync_incidents),
}


def safe_load(section: Section, engine: Engine) -> SectionData:
    """A section that fails to load shows as not configured instead of breaking the page."""
    try:
        return section.load(engine)
    except Exception:  # a later area's table may not match yet
        return SectionData(configured=False)
