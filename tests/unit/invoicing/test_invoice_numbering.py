"""Number series: the pure formatter and the next-number rule."""

from __future__ import annotations

from datetime import date

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.invoicing import NumberSeries

NOV = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("pattern", "seq", "number", "period"),
    [
        ("FV/{YYYY}/{MM}/{seq}", 7, "FV/2026/11/7", "2026-11"),  # monthly counter
        ("FV/{YYYY}/{MM}/{seq:6}", 123, "FV/2026/11/000123", "2026-11"),  # zero-padded
        ("FV/ALG/{YY}/{seq:4}", 12, "FV/ALG/26/0012", "2026"),  # yearly counter, per channel
        ("KOR-{seq}", 3, "KOR-3", ""),  # never resets
        ("FV/{seq:2}", 12345, "FV/12345", ""),  # padding never truncates
    ],
)
def test_formats_numbers_and_names_the_counter_period(
    pattern: str, seq: int, number: str, period: str
) -> None:
    series = NumberSeries(name="FV", pattern=pattern)
    assert series.format(NOV, seq) == number
    assert series.period(NOV) == period


def test_next_number_follows_the_last_one_in_the_same_period() -> None:
    series = NumberSeries(name="FV", pattern="FV/{YYYY}/{MM}/{seq:4}")
    first = series.allocate(NOV, 0)
    second = series.allocate(NOV, first.seq)
    assert (first.number, first.seq, first.period) == ("FV/2026/11/0001", 1, "2026-11")
    assert (second.number, second.seq) == ("FV/2026/11/0002", 2)


def test_new_month_has_its_own_counter_and_numbers_never_collide() -> None:
    series = NumberSeries(name="FV", pattern="FV/{YYYY}/{MM}/{seq}")
    december = series.allocate(date(2026, 12, 1), 0)
    assert (december.period, december.number) == ("2026-12", "FV/2026/12/1")
    numbers = {
        series.format(date(y, m, 1), s) for y in (2026, 2027) for m in (1, 12) for s in (1, 2)
    }
    assert len(numbers) == 8


@pytest.mark.parametrize(
    "pattern",
    [
        "FV/{YYYY}/{MM}",  # no sequence
        "FV/{seq}/{seq}",  # two sequences
        "FV/{MM}/{seq}",  # month without year: repeats every year
        "FV/{DD}/{seq}",  # unknown token
        "FV/{seq:0}",  # zero width
    ],
)
def test_rejects_patterns_that_could_repeat_or_are_unknown(pattern: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        NumberSeries(name="FV", pattern=pattern)
    assert caught.value.field == "series.pattern"


def test_sequence_and_last_number_must_be_sane() -> None:
    series = NumberSeries(name="FV", pattern="FV/{seq}")
    with pytest.raises(InvalidValue):
        series.format(NOV, 0)
    with pytest.raises(InvalidValue):
        series.allocate(NOV, -1)
