"""Explaining an allocation: every number of a SKU and where it comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from omnistock.domain.allocation import Allocation, AllocationInput, allocate_sku, strategy_split
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.policy import HUNDRED, Policy, Strategy
from omnistock.domain.velocity import even_shares

__all__ = ["ChannelLine", "Explanation", "explain_sku"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelLine:
    """One channel: its share (percent, if the strategy has shares), the split, cap and result."""

    channel: ChannelId
    share_pct: Decimal | None
    raw: int
    cap: int | None
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """The allocation of one SKU with its inputs; ``to_dict`` is JSON-ready."""

    allocation: Allocation
    warehouses: Mapping[WarehouseId, int]
    reservations: Mapping[str, int]  # open reservations: order reference → units
    components: Mapping[Sku, tuple[int, int]]  # kit component → (per kit, available)
    resume_margin: int
    was_paused: bool
    pause_reason: str
    strategy: Strategy
    reserve_pct: Decimal | None
    channels: tuple[ChannelLine, ...]

    @property
    def held_back(self) -> int:
        """Sellable units no channel shows: the reserve, unassigned percent, rounding."""
        if self.strategy is Strategy.SHARED or self.allocation.paused:
            return 0
        return self.allocation.sellable - sum(line.raw for line in self.channels)

    def to_dict(self) -> dict[str, object]:
        a = self.allocation
        return {
            "sku": a.sku,
            "on_hand": a.on_hand,
            "reserved": a.reserved,
            "available": a.available,
            "buffer": a.buffer,
            "resume_margin": self.resume_margin,
            "was_paused": self.was_paused,
            "paused": a.paused,
            "pause_reason": self.pause_reason,
            "sellable": a.sellable,
            "strategy": self.strategy.value,
            "reserve_pct": _num(self.reserve_pct),
            "held_back": self.held_back,
            "warehouses": [{"warehouse": w, "on_hand": q} for w, q in self.warehouses.items()],
            "reservations": [{"order_ref": r, "quantity": q} for r, q in self.reservations.items()],
            "components": [
                {"sku": s, "per_bundle": per, "available": avail, "bundles": avail // per}
                for s, (per, avail) in self.components.items()
            ],
            "channels": {line.channel: _line(line) for line in self.channels},
            "allocation": dict(a.quantities),
        }


def explain_sku(inp: AllocationInput) -> Explanation:
    """Allocate ``inp`` and keep every intermediate number."""
    allocation = allocate_sku(inp)
    policy = inp.policy
    return Explanation(
        allocation=allocation,
        warehouses=_warehouses(inp),
        reservations=_reservations(inp),
        components={c.sku: (c.quantity, inp.component_available.get(c.sku, 0)) for c in inp.bundle},
        resume_margin=policy.resume_margin,
        was_paused=inp.was_paused,
        pause_reason=_pause_reason(allocation, policy, inp.was_paused),
        strategy=policy.strategy,
        reserve_pct=policy.reserve if policy.strategy is Strategy.PERCENTAGE else None,
        channels=_channel_lines(inp, allocation),
    )


def _warehouses(inp: AllocationInput) -> dict[WarehouseId, int]:
    result: dict[WarehouseId, int] = {}
    for level in inp.levels:
        result[level.warehouse] = result.get(level.warehouse, 0) + level.on_hand
    return result


def _reservations(inp: AllocationInput) -> dict[str, int]:
    result: dict[str, int] = {}
    for r in inp.reservations:
        if r.open:
            result[r.order_ref] = result.get(r.order_ref, 0) + r.quantity
    return result


def _pause_reason(allocation: Allocation, policy: Policy, was_paused: bool) -> str:
    available, buffer = allocation.available, allocation.buffer
    resume_at = buffer + policy.resume_margin
    if available <= buffer:
        return f"paused: available {available} ≤ buffer {buffer}"
    if allocation.paused:
        return f"still paused: available {available} < buffer + resume margin {resume_at}"
    if was_paused:
        return f"resumed: available {available} ≥ buffer + resume margin {resume_at}"
    return f"listed: available {available} > buffer {buffer}"


def _channel_lines(inp: AllocationInput, allocation: Allocation) -> tuple[ChannelLine, ...]:
    policy = inp.policy
    shares = _shares_pct(inp)
    raw = dict.fromkeys(inp.channels, 0)
    if not allocation.paused:
        raw = strategy_split(allocation.sellable, policy, inp.channels, inp.velocity_shares)
    return tuple(
        ChannelLine(
            channel=ch,
            share_pct=None if shares is None else shares.get(ch, Decimal(0)),
            raw=raw[ch],
            cap=policy.max_listed.get(ch),
            quantity=allocation.quantities[ch],
        )
        for ch in dict.fromkeys(inp.channels)
    )


def _shares_pct(inp: AllocationInput) -> Mapping[ChannelId, Decimal] | None:
    policy = inp.policy
    if policy.strategy is Strategy.SHARED:
        return None
    if policy.strategy is Strategy.PERCENTAGE:
        return policy.shares
    fractions = inp.velocity_shares
    if fractions is None:
        fractions = even_shares(inp.channels, policy.velocity)
    return {ch: (share * HUNDRED).normalize() for ch, share in fractions.items()}


def _line(line: ChannelLine) -> dict[str, object]:
    return {
        "share_pct": _num(line.share_pct),
        "raw": line.raw,
        "cap": line.cap,
        "capped": line.cap is not None and line.cap < line.raw,
        "quantity": line.quantity,
    }


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")
