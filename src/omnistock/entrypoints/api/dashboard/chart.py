"""A stock-history polyline for an inline SVG, from the ledger's ``on_hand_after`` values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Chart", "stock_chart"]

WIDTH, HEIGHT, PAD = 600, 160, 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """``points`` is ``"x,y x,y …"`` in SVG user units (numbers only, safe to embed)."""

    points: str
    high: int
    last: int
    moves: int


def totals(movements: Sequence[Mapping[str, Any]]) -> list[int]:
    """Total on-hand over all warehouses after each movement, oldest first."""
    per_warehouse: dict[str, int] = {}
    series: list[int] = []
    for move in movements:
        after = move.get("on_hand_after")
        if after is None:
            continue
        per_warehouse[str(move["warehouse"])] = int(after)
        series.append(sum(per_warehouse.values()))
    return series


def stock_chart(movements: Sequence[Mapping[str, Any]]) -> Chart | None:
    """The chart of a SKU's ledger, or None when it has no movement yet."""
    series = totals(movements)
    if not series:
        return None
    if len(series) == 1:
        series = series * 2
    high = max(max(series), 1)
    step = (WIDTH - 2 * PAD) / (len(series) - 1)
    coords = [
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (value / high) * (HEIGHT - 2 * PAD):.1f}"
        for i, value in enumerate(series)
    ]
    return Chart(points=" ".join(coords), high=high, last=series[-1], moves=len(series))
