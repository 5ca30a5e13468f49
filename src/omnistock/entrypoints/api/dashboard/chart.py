"""Inline-SVG charts of a SKU: its stock history (the ledger's ``on_hand_after`` values) and its
sales per channel (cumulative units of its order lines over time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Chart", "SalesLine", "sales_chart", "stock_chart"]

WIDTH, HEIGHT, PAD = 600, 160, 10
COLOURS = ("#1f3a5f", "#c0392b", "#2e8b57", "#d89b00", "#7d3c98", "#117a8b")


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


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesLine:
    """One channel's cumulative sales: ``points`` as in :class:`Chart`, ``colour`` a hex code."""

    channel: str
    points: str
    units: int
    colour: str


def sales_chart(sales: Sequence[tuple[str, datetime, int]]) -> list[SalesLine]:
    """Cumulative units sold per channel over a shared time axis (first to last sale), as
    step lines; empty when the SKU has not sold."""
    if not sales:
        return []
    start, end = min(at for _, at, _ in sales), max(at for _, at, _ in sales)
    span = max((end - start).total_seconds(), 1.0)
    running: dict[str, list[tuple[float, int]]] = {}
    for channel, at, units in sorted(sales, key=lambda s: s[1]):
        steps = running.setdefault(channel, [(0.0, 0)])
        x = (at - start).total_seconds() / span
        steps += [(x, steps[-1][1]), (x, steps[-1][1] + units)]
    high = max(steps[-1][1] for steps in running.values())
    return [
        SalesLine(
            channel=channel,
            points=" ".join(_xy(x, y, high) for x, y in [*steps, (1.0, steps[-1][1])]),
            units=steps[-1][1],
            colour=COLOURS[i % len(COLOURS)],
        )
        for i, (channel, steps) in enumerate(sorted(running.items()))
    ]


def _xy(x: float, y: int, high: int) -> str:
    return f"{PAD + x * (WIDTH - 2 * PAD):.1f},{HEIGHT - PAD - (y / high) * (HEIGHT - 2 * PAD):.1f}"
