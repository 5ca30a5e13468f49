"""Buffer hysteresis: pause at or below the buffer, resume only at buffer + margin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.buffer import is_paused


@pytest.mark.parametrize(
    ("available", "buffer", "margin", "was_paused", "expected"),
    [
        # buffer 0: only 0 available pauses
        (0, 0, 0, False, True),
        # buffer 0: 1 available is listed
        (1, 0, 0, False, False),
        # at the buffer: paused
        (5, 5, 2, False, True),
        # below the buffer: paused even if listed before
        (3, 5, 2, False, True),
        # just above the buffer, was listed: stays listed
        (6, 5, 2, False, False),
        # just above the buffer, was paused: stays paused (inside the margin band)
        (6, 5, 2, True, True),
        # at buffer + margin, was paused: resumes
        (7, 5, 2, True, False),
        # far above, was paused: resumes
        (100, 5, 2, True, False),
        # margin 0, was paused, one above the buffer: resumes
        (6, 5, 0, True, False),
    ],
)
def test_is_paused_table(
    available: int, buffer: int, margin: int, was_paused: bool, expected: bool
) -> None:
    assert is_paused(available, buffer, margin, was_paused) is expected


@settings(deadline=None)
@given(
    buffer=st.integers(0, 20),
    margin=st.integers(0, 10),
    start_paused=st.booleans(),
    levels=st.lists(st.integers(0, 40), max_size=60),
)
def test_hysteresis_never_flaps(
    buffer: int, margin: int, start_paused: bool, levels: list[int]
) -> None:
    """State changes only on crossing the thresholds; inside the band the state holds."""
    paused = start_paused
    for available in levels:
        now = is_paused(available, buffer, margin, paused)
        if now and not paused:
            assert available <= buffer  # pausing needs the buffer reached
        if paused and not now:
            assert available >= buffer + margin  # resuming needs the full margin
            assert available > buffer
        if buffer < available < buffer + margin:
            assert now == paused  # inside the band nothing changes
        paused = now
