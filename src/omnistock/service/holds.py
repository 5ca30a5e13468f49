"""Use cases of the safety guard, wired on one engine; the concepts live in sibling modules.

- ``holds_guard`` — push time: :class:`SafetyGuard` (the dispatcher's guard),
  :class:`StoreReread` (re-read before sending), :class:`ChannelReadCheck` (suspicious reads);
- ``holds_feed`` — stock import: :class:`FeedGate` (source checks; the import's change-set
  held as one hold across every channel account, in the import's transaction);
- ``holds_decisions`` — :func:`approve_hold`, :func:`reject_hold`, :func:`reconfirm_holds`:
  each decision and its listing changes in one transaction, audited.

This module builds them from the ``[safety]`` table (:func:`safety_parts`) and re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from omnistock.domain.safety import GuardThresholds, thresholds_from_table
from omnistock.service.holds_decisions import (
    HOLD_KINDS,
    approve_hold,
    list_holds,
    reconfirm_holds,
    reject_hold,
)
from omnistock.service.holds_feed import FeedGate, FeedRejected, import_id_of
from omnistock.service.holds_guard import ChannelReadCheck, SafetyGuard, StoreReread
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.safety_repository import SafetyStore
from omnistock.store.sync_repository import SyncStore

__all__ = [
    "HOLD_KINDS",
    "WATCH_KEYS",
    "ChannelReadCheck",
    "FeedGate",
    "FeedRejected",
    "SafetyGuard",
    "SafetyParts",
    "StoreReread",
    "approve_hold",
    "import_id_of",
    "list_holds",
    "reconfirm_holds",
    "reject_hold",
    "safety_parts",
]

WATCH_KEYS = ("breaker_after_minutes", "heartbeat_after_minutes", "source_max_age_hours")
"""Keys of the ``[safety]`` table read by the watchdogs, not by ``thresholds_from_table``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyParts:
    """Everything the worker and the importer need from the safety guard, on one engine."""

    safety: SafetyStore
    sync: SyncStore
    incidents: IncidentStore
    thresholds: GuardThresholds
    guard: SafetyGuard
    reread: StoreReread
    gate: FeedGate
    read_check: ChannelReadCheck

    def paused(self, channel: str) -> bool:
        return self.safety.is_paused(channel)


def safety_parts(
    engine: Engine,
    section: Mapping[str, Any],
    *,
    clock: Callable[[], datetime] | None = None,
) -> SafetyParts:
    """Build the guard, re-read, pause check and feed gate from the ``[safety]`` table."""
    thresholds = thresholds_from_table({k: v for k, v in section.items() if k not in WATCH_KEYS})
    safety, sync, incidents = SafetyStore(engine), SyncStore(engine), IncidentStore(engine)
    return SafetyParts(
        safety=safety,
        sync=sync,
        incidents=incidents,
        thresholds=thresholds,
        guard=SafetyGuard(safety=safety, incidents=incidents, thresholds=thresholds),
        reread=StoreReread(sync=sync),
        gate=FeedGate(safety=safety, incidents=incidents, thresholds=thresholds),
        read_check=ChannelReadCheck(incidents=incidents, thresholds=thresholds, clock=clock),
    )
