"""Buffer stock with hysteresis: when a SKU is paused on every channel, and when it resumes."""

from __future__ import annotations

__all__ = ["is_paused"]


def is_paused(available: int, buffer: int, resume_margin: int, was_paused: bool) -> bool:
    """True when the SKU must show 0 everywhere.

    Paused when ``available ≤ buffer`` (with ``buffer`` 0: only at 0 available). Once paused, it
    resumes only at ``available ≥ buffer + resume_margin``, so a SKU hovering around the buffer
    does not flap between paused and listed.
    """
    if available <= buffer:
        return True
    return was_paused and available < buffer + resume_margin
