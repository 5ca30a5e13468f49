"""Probing a channel account: one harmless read call that says whether omnistock's credentials
work, what the channel's documented limits are and how long the call took.

The read is the quantity of one linked offer (none when the account has no listing yet: the
adapter still authenticates and calls the API). Nothing is written, on the channel or here.
Used by ``omnistock channel test NAME`` and ``POST /api/v1/channels/{channel}/test``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from omnistock.channels.base import ChannelAdapter, ChannelError
from omnistock.domain.ids import ChannelId
from omnistock.service.ports import UnitOfWork

__all__ = ["ProbeReport", "probe_channel", "sample_offers"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeReport:
    """What one probe found: ``auth_ok`` is True when the read call succeeded, else ``error``
    is ``"<ErrorType>: <message>"`` (e.g. ``AuthenticationFailed: …``, ``RateLimited: …``)."""

    channel: str
    kind: str
    auth_ok: bool
    read_offers: int
    latency_ms: float
    limits: dict[str, float]
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "kind": self.kind,
            "auth_ok": self.auth_ok,
            "read_offers": self.read_offers,
            "latency_ms": self.latency_ms,
            "limits": dict(self.limits),
            "error": self.error,
        }


def sample_offers(uow: UnitOfWork, channel: ChannelId, count: int = 1) -> list[str]:
    """The offer ids of the first ``count`` listings of ``channel`` (what a probe reads)."""
    with uow:
        return [listing.offer_id for listing in uow.listings.list(channel)][:count]


def probe_channel(
    name: str,
    kind: str,
    adapter: ChannelAdapter,
    offers: Sequence[str],
    *,
    timer: Callable[[], float] = time.perf_counter,
) -> ProbeReport:
    """Read ``offers`` through ``adapter`` once and report; channel errors are reported, not
    raised (``auth_ok`` False)."""
    limits = adapter.capabilities.limits
    started = timer()
    error: str | None = None
    try:
        adapter.read_quantities(list(offers))
    except ChannelError as exc:
        error = f"{type(exc).__name__}: {exc}"
    latency = round((timer() - started) * 1000, 1)
    return ProbeReport(
        channel=name,
        kind=kind,
        auth_ok=error is None,
        read_offers=len(offers),
        latency_ms=latency,
        limits={
            "requests_per_window": limits.requests_per_window,
            "changes_per_window": limits.changes_per_window,
            "window_s": limits.window_s,
        },
        error=error,
    )
