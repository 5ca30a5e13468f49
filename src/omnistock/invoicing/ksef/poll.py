"""Waiting for KSeF's asynchronous work: ask again every ``interval`` until ``timeout``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from omnistock.invoicing.ksef.errors import KsefPending

__all__ = ["Poller"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Poller:
    """Calls ``check`` until it returns a value; ``sleep``/``monotonic`` are injectable."""

    interval: float
    timeout: float
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = field(default=time.monotonic)

    def until(self, check: Callable[[], T | None], *, what: str, reference: str) -> T:
        """The first non-``None`` result of ``check``, or ``KsefPending`` after ``timeout``."""
        deadline = self.monotonic() + self.timeout
        while True:
            result = check()
            if result is not None:
                return result
            if self.monotonic() >= deadline:
                raise KsefPending(
                    f"{what} {reference} still processing after {self.timeout:.0f}s",
                    reference=reference,
                )
            self.sleep(self.interval)
