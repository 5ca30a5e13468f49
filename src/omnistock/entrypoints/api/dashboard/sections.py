"""Dashboard sections of later areas (failed pushes, orders, invoices, compliance).

Holds and incidents have their own pages (``dashboard/actions.py``).

Each :class:`Section` reads what exists and says "not configured" when its table is missing.
A later area replaces its entry in :data:`SECTIONS` with its own ``load`` (one line in its own
module is enough: ``SECTIONS["orders"] = Section(key="orders", load=my_loader)``) — loaders
return counts or rows that contain **no personal data** (viewers see every section).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from omnistock.entrypoints.api import readmodel
from omnistock.store.sync_repository import SyncStore

__all__ = ["SECTIONS", "Section", "SectionData", "status_section"]


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


def status_section(table: str, column: str = "status") -> Callable[[Engine], SectionData]:
    """Rows of ``table`` per status, or "not configured" while the table does not exist."""

    def load(engine: Engine) -> SectionData:
        counts = readmodel.status_counts(engine, table, column)
        if counts is None:
            return SectionData(configured=False)
        return SectionData(
            configured=True, columns=("status", "count"), rows=sorted(counts.items())
        )

    return load


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
    "orders": Section(key="orders", load=status_section("orders")),
    "invoices": Section(key="invoices", load=status_section("invoices")),
    "compliance": Section(key="compliance", load=status_section("compliance_violations")),
}


def safe_load(section: Section, engine: Engine) -> SectionData:
    """A section that fails to load shows as not configured instead of breaking the page."""
    try:
        return section.load(engine)
    except Exception:  # a later area's table may not match yet
        return SectionData(configured=False)
