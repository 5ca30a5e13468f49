"""The SKU page's charts: stock history (totals over warehouses from the ledger's
``on_hand_after``) and cumulative sales per channel."""

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


def _points(line) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in p.split(",")) for p in line.points.split()]


def test_sales_per_channel_are_cumulative_steps_on_a_shared_time_axis() -> None:
    from datetime import UTC, datetime, timedelta

    from omnistock.entrypoints.api.dashboard.chart import sales_chart

    t0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    sales = [("sklep", t0 + timedelta(hours=2), 1), ("allegro", t0, 2),
             ("allegro", t0 + timedelta(hours=1), 2)]  # fmt: skip
    allegro, sklep = sales_chart(sales)
    assert (allegro.channel, allegro.units, sklep.channel, sklep.units) == (
        "allegro",
        4,
        "sklep",
        1,
    )
    assert allegro.colour != sklep.colour
    bottom, top = HEIGHT - PAD, PAD
    # allegro: 2 at the start, 4 at half time (the highest total: the top), flat to the end
    assert _points(allegro) == [
        (PAD, bottom), (PAD, bottom), (PAD, HEIGHT / 2),
        (WIDTH / 2, HEIGHT / 2), (WIDTH / 2, top), (WIDTH - PAD, top),
    ]  # fmt: skip
    # the shop's one unit comes at the end, a quarter of the height
    assert _points(sklep)[-2:] == [(WIDTH - PAD, bottom - (bottom - top) / 4)] * 2


def test_no_sales_no_lines() -> None:
    from omnistock.entrypoints.api.dashboard.chart import sales_chart

    assert sales_chart([]) == []
