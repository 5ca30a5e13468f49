"""The benchmark's latency measure: a change settles when a push observed at or after it lands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

m = pytest.importorskip("benchmarks.sync_metrics")

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _t(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def _change(at: float, value: int) -> object:
    return m.Change("meta", "o1", _t(at), value)


def test_a_superseded_change_settles_when_a_newer_push_lands_but_not_in_catch_up() -> None:
    changes = [_change(0, 5), _change(2, 4), _change(9, 3)]
    # pushed at 1 (observed 0) → confirmed 6; pushed at 7 (observed 2) → confirmed 12
    pushes = [(_t(6), 5, _t(0)), (_t(12), 4, _t(2)), (_t(18), 3, _t(9))]
    confirmations = [("o1", q, o, done) for done, q, o in pushes]
    assert m.latencies(changes, confirmations, {"o1": 9}) == [6.0, 10.0, 9.0]
    # catch-up: nothing settles before the channel shows the latest desired value
    assert m.latencies(changes, confirmations, {"o1": 9}, catch_up=True) == [18.0, 16.0, 9.0]


def test_a_change_reverted_before_it_was_pushed_settles_at_the_revert() -> None:
    changes = [_change(0, 5), _change(3, 9)]
    assert m.latencies(changes, [], {"o1": 9}) == [3.0, 0.0]
    assert m.latencies([_change(0, 5)], [], {"o1": 9}) == [float("inf")]
