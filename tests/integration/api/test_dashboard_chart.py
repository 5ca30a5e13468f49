"""The stock-history polyline: totals over warehouses from the ledger's ``on_hand_after``."""

from __future__ import annotations

import pytest

from omnistock.entrypoints.api.dashboard.chart import HEIGHT, PAD, WIDTH, stock_chart, totals


def _move(warehouse: str, after: int | None) -> dict[str, object]:
    return {"warehouse": warehouse, "on_hand_after": after}


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ([_move("main", 5), _move("main", 3)], [5, 3]),  # one warehouse: its level
        ([_move("main", 5), _move("b", 2), _move("main", 1)], [5, 7, 3]),  # summed over warehouses
        ([_move("main", None), _move("main", 4)], [4]),  # rows without a level are skipped
        ([], []),
    ],
)
def test_totals(moves, expected) -> None:
    assert totals(moves) == expected


def test_no_movement_no_chart() -> None:
    assert stock_chart([]) is None


def test_points_span_the_box_and_scale_to_the_highest_level() -> None:
    chart = stock_chart([_move("main", 10), _move("main", 0), _move("main", 5)])
    assert chart is not None
    points = [tuple(float(v) for v in p.split(",")) for p in chart.points.split()]
    assert [x for x, _ in points] == [PAD, WIDTH / 2, WIDTH - PAD]
    assert [y for _, y in points] == [PAD, HEIGHT - PAD, HEIGHT / 2]
    assert (chart.high, chart.last, chart.moves) == (10, 5, 3)


def test_a_single_movement_draws_a_flat_line() -> None:
    chart = stock_chart([_move("main", 0)])
    assert chart is not None
    assert chart.points == f"{PAD:.1f},{HEIGHT - PAD:.1f} {WIDTH - PAD:.1f},{HEIGHT - PAD:.1f}"
