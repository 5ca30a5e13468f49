"""Sandbox time: a clock that can run faster than real time and be pushed forward by tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

__all__ = ["SandboxClock"]


class SandboxClock:
    """Aware-UTC clock running ``time_scale`` times faster than real time, plus a manual offset.

    Token expiry, rate-limit windows and asynchronous task completion all read this clock, so
    ``time_scale=60`` turns a one-minute window into one real second and ``advance(3600)``
    skips an hour instantly.
    """

    def __init__(self, time_scale: float = 1.0, start: datetime | None = None) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self._lock = threading.Lock()
        self._scale = time_scale
        self._start = start if start is not None else datetime.now(UTC)
        self._mono_start = time.monotonic()
        self._offset = 0.0

    @property
    def time_scale(self) -> float:
        """How many sandbox seconds pass per real second."""
        return self._scale

    @property
    def start(self) -> datetime:
        """Sandbox time at creation."""
        return self._start

    def elapsed_seconds(self) -> float:
        """Sandbox seconds since creation (scaled real time plus every ``advance``)."""
        with self._lock:
            return (time.monotonic() - self._mono_start) * self._scale + self._offset

    def now(self) -> datetime:
        """Current sandbox time, aware UTC."""
        return self._start + timedelta(seconds=self.elapsed_seconds())

    def advance(self, seconds: float) -> None:
        """Jump sandbox time forward by ``seconds`` (never backwards)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds

    def real_seconds(self, sandbox_seconds: float) -> float:
        """Real seconds that ``sandbox_seconds`` of sandbox time take at the current scale."""
        return sandbox_seconds / self._scale
