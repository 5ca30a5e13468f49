"""Allegro's limits: per Client ID requests with a growing block, per-seller budgets.

- 9000 requests/min per Client ID; above it the Client ID is blocked for a minute, and every
  call during the block extends it (it lifts after ``block_seconds`` of quiet).
- Batch commands count offer changes per seller: 9000/min and 250 000/h per command kind.
- ``PATCH /sale/product-offers/{id}``: a leaky bucket of 2500/min per seller; a request
  answered with 4xx costs ``patch_error_cost`` instead of 1.
- ``GET /sale/product-offers/{id}``: a leaky bucket of 3500/min per seller.

All windows run on the sandbox clock, so ``time_scale`` compresses them.
"""

from __future__ import annotations

import threading

from pydantic import BaseModel, ConfigDict, Field

from omnistock.sandbox.common.clock import SandboxClock
from omnistock.sandbox.common.ratelimit import LeakyBucket, RateDecision, SlidingWindow

__all__ = ["AllegroLimits", "ClientGate", "SellerBudgets"]


class AllegroLimits(BaseModel):
    """Documented Allegro limits (defaults) — all configurable."""

    model_config = ConfigDict(extra="forbid")
    client_requests_per_minute: int = Field(default=9000, ge=1)
    block_seconds: float = Field(default=60.0, gt=0)
    command_changes_per_minute: int = Field(default=9000, ge=1)
    command_changes_per_hour: int = Field(default=250_000, ge=1)
    patch_per_minute: int = Field(default=2500, ge=1)
    offer_reads_per_minute: int = Field(default=3500, ge=1)
    patch_error_cost: int = Field(default=2, ge=1)
    max_offers_per_command: int = Field(default=1000, ge=1)


class ClientGate:
    """Requests per Client ID with Allegro's extending one-minute block."""

    def __init__(self, limits: AllegroLimits, clock: SandboxClock) -> None:
        self._clock = clock
        self._block_seconds = limits.block_seconds
        self._window = SlidingWindow(limits.client_requests_per_minute, 60, clock)
        self._blocked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def admit(self, client_id: str) -> bool:
        """Count one request; False while the client is (or becomes) blocked."""
        now = self._clock.elapsed_seconds()
        with self._lock:
            if self._blocked_until.get(client_id, -1.0) > now:
                self._blocked_until[client_id] = now + self._block_seconds
                return False
            if self._window.hit(client_id).allowed:
                return True
            self._blocked_until[client_id] = now + self._block_seconds
            return False

    def blocked_for(self, client_id: str) -> float:
        """Sandbox seconds until the block on ``client_id`` lifts (0 if not blocked)."""
        now = self._clock.elapsed_seconds()
        return max(0.0, self._blocked_until.get(client_id, now) - now)


class SellerBudgets:
    """Offer-change budgets for batch commands and the PATCH bucket, per seller."""

    def __init__(self, limits: AllegroLimits, clock: SandboxClock) -> None:
        self.limits = limits
        self._minute = SlidingWindow(limits.command_changes_per_minute, 60, clock)
        self._hour = SlidingWindow(limits.command_changes_per_hour, 3600, clock)
        self._patch = LeakyBucket(limits.patch_per_minute, clock)
        self._reads = LeakyBucket(limits.offer_reads_per_minute, clock)

    def spend_changes(self, seller_id: str, kind: str, changes: int) -> bool:
        """Spend ``changes`` offer changes of command ``kind``; False (nothing spent) if over."""
        key = f"{seller_id}:{kind}"
        if self._minute.used(key) + changes > self._minute.limit:
            return False
        if not self._hour.hit(key, changes).allowed:
            return False
        return self._minute.hit(key, changes).allowed

    def admit_patch(self, seller_id: str) -> RateDecision:
        """Pour one PATCH into the seller's bucket."""
        return self._patch.hit(seller_id)

    def admit_read(self, seller_id: str) -> RateDecision:
        """Pour one ``GET /sale/product-offers/{id}`` into the seller's read bucket."""
        return self._reads.hit(seller_id)

    def penalise_patch(self, seller_id: str) -> None:
        """An erroneous PATCH fills the bucket faster: pour the extra cost."""
        extra = self.limits.patch_error_cost - 1
        if extra > 0:
            self._patch.hit(seller_id, extra)
