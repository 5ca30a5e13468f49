"""Sync status per channel account: dirty, in flight, held, dead, breaker, budget, last success."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from omnistock.channels.base import ChannelAdapter
from omnistock.store.sync_repository import SyncStore
from omnistock.sync import budget as bud

__all__ = ["channel_status", "sync_status"]

STATES = ("in_flight", "retry", "held", "dead", "error")


def channel_status(
    store: SyncStore, channel: str, adapter: ChannelAdapter | None, now: datetime
) -> dict[str, object]:
    """One channel's status as a JSON-ready mapping."""
    counts = store.state_counts(channel)
    row = store.channel_row(channel)
    status: dict[str, object] = {"channel": channel, "dirty": store.dirty_count(channel)}
    status.update({state: counts.get(state, 0) for state in STATES})
    status["breaker"] = str(row.breaker.status)
    status["budget_left"] = _budget_left(adapter, row.budget, now)
    status["operation_budgets_left"] = _operations_left(store, channel, adapter, now)
    status["last_success"] = row.last_success_at.isoformat() if row.last_success_at else None
    status["adapter"] = adapter is not None
    return status


def _budget_left(
    adapter: ChannelAdapter | None, state: bud.BudgetState | None, now: datetime
) -> dict[str, float] | None:
    if adapter is None:
        return None
    spec = bud.spec_from_limits(adapter.capabilities.limits)
    current = bud.available(spec, state or bud.full_budget(spec, now), now)
    return {"requests": round(current.requests, 2), "changes": round(current.changes, 2)}


def _operations_left(
    store: SyncStore, channel: str, adapter: ChannelAdapter | None, now: datetime
) -> dict[str, dict[str, object]] | None:
    """Per push operation (Amazon ``patch``/``feed``): tokens left and any block."""
    if adapter is None or not adapter.capabilities.operations:
        return None
    stored = store.operation_budgets(channel)
    out: dict[str, dict[str, object]] = {}
    for op in adapter.capabilities.operations:
        spec = bud.BudgetSpec(
            requests=op.limits.requests_per_window,
            changes=op.limits.changes_per_window,
            window_s=op.limits.window_s,
            burst=op.burst,
        )
        current = bud.available(spec, stored.get(op.name) or bud.full_budget(spec, now), now)
        blocked = (
            current.blocked_until if current.blocked_until and current.blocked_until > now else None
        )
        out[op.name] = {
            "requests": round(current.requests, 2),
            "changes": round(current.changes, 2),
            "blocked_until": blocked.isoformat() if blocked else None,
        }
    return out


def sync_status(
    store: SyncStore, adapters: Mapping[str, ChannelAdapter], now: datetime
) -> list[dict[str, object]]:
    channels = sorted(set(adapters) | set(store.known_channels()))
    return [channel_status(store, ch, adapters.get(ch), now) for ch in channels]
