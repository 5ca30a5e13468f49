"""Tables of the compliance area: each check run of the rule packs and its violations.

- ``compliance_runs`` — one row per stored run: the day checked (``as_of``), the end of the
  look-ahead window, when it ran, what ran it (``worker``, ``cli``), how many listings and rules,
  and the packs with their versions (JSON ``[{"pack", "channel", "version"}]``).
- ``compliance_results`` — one row per offer breaking a rule in that run; ``upcoming`` marks a
  rule not in force yet (it starts on ``effective_from``). Messages are stored in Polish and
  English so a later change of the pack files does not change what a past run said.

Only the newest runs are kept (``compliance_repository.KEEP_RUNS``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from omnistock.store.tables import metadata

__all__ = ["compliance_results", "compliance_runs"]

TS = DateTime(timezone=True)

compliance_runs = Table(
    "compliance_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False),
    Column("upcoming_until", Date, nullable=False),
    Column("ran_at", TS, nullable=False),
    Column("source", String(32), nullable=False),
    Column("checked", Integer, nullable=False),
    Column("rules_in_force", Integer, nullable=False),
    Column("rules_upcoming", Integer, nullable=False),
    Column("packs", Text, nullable=False),
    Column("errors", Text, nullable=False),
)

compliance_results = Table(
    "compliance_results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("compliance_runs.id"), nullable=False),
    Column("offer", String(200), nullable=False),
    Column("channel", String(100), nullable=False),
    Column("pack", String(100), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("upcoming", Boolean, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("message_pl", Text, nullable=False),
    Column("message_en", Text, nullable=False),
    Column("source", Text, nullable=False),
    Index("ix_compliance_results_run_id", "run_id"),
)
