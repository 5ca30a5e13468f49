"""Apportionment: turning fractional shares of a stock count into whole units per channel.

Two methods, both exact integer arithmetic:

* ``QuotaTable`` — the Balinski–Young *quota method* for fixed weights (``percentage``). Every
  party gets the floor or the ceiling of its exact quota, **and** one more unit in the house
  never takes a unit away from anybody (house monotone). Plain largest remainder (Hamilton)
  has the first property but not the second (the *Alabama paradox*): with shares 39/38/23 %,
  6 units give ``2/2/2`` but 7 units give ``3/3/1`` — the third channel would be told to
  *decrease* although stock grew. Divisor methods (D'Hondt, Sainte-Laguë) are monotone but can
  give a channel more than the ceiling of its quota; the quota method has both properties.
  It is computed as earliest-deadline-first: the j-th unit of party i may be given once its
  quota exceeds j − 1 and must be given before it reaches j; among the parties allowed a unit,
  the one whose deadline ``j / w_i`` comes first gets it (ties: lower index). The sequence is
  periodic with period ``Σ w`` (at ``m·Σw`` units every party holds exactly ``m·w_i``), so only
  one period is computed, lazily, and cached per table.
* ``largest_remainder`` — Hamilton's method, for ``velocity`` whose weights change at every
  rebalance (monotonicity in stock is not meaningful there and a cache would not pay off).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

__all__ = ["QuotaTable", "largest_remainder"]


class QuotaTable:
    """House-monotone quota-method apportionment for fixed positive integer ``weights``."""

    __slots__ = ("_lock", "_prefix", "_total", "_weights")

    def __init__(self, weights: Sequence[int]) -> None:
        if not weights or any(w <= 0 for w in weights):
            raise ValueError("weights must be positive")
        self._weights = tuple(weights)
        self._total = sum(self._weights)
        self._prefix: list[tuple[int, ...]] = [(0,) * len(self._weights)]
        self._lock = threading.Lock()

    @property
    def weights(self) -> tuple[int, ...]:
        return self._weights

    def seats(self, house: int) -> tuple[int, ...]:
        """Units per party when ``house`` units are shared; sums to exactly ``house``."""
        cycles, rest = divmod(house, self._total)
        if rest >= len(self._prefix):
            self._extend(rest)
        base = self._prefix[rest]
        if not cycles:
            return base
        return tuple([cycles * w + b for w, b in zip(self._weights, base, strict=True)])

    def _extend(self, upto: int) -> None:
        with self._lock:
            prefix, weights, total = self._prefix, self._weights, self._total
            held = list(prefix[-1])
            for house in range(len(prefix), upto + 1):
                best = -1
                for i, w in enumerate(weights):
                    # allowed one more (upper quota) and earliest deadline (held+1)/w first
                    if held[i] * total < house * w and (
                        best < 0 or (held[i] + 1) * weights[best] < (held[best] + 1) * w
                    ):
                        best = i
                held[best] += 1
                prefix.append(tuple(held))


def largest_remainder(units: int, weights: Sequence[int], denominator: int) -> list[int]:
    """Hamilton's method: ``floor(units · Σw / d)`` units shared in proportion to ``weights``.

    Each party gets ``floor(units · w / d)`` and the leftover goes one by one to the largest
    remainders (ties: lower index). Never hands out more than ``units · Σw / d``.
    """
    floors: list[int] = []
    remainders: list[int] = []
    for w in weights:
        floor, remainder = divmod(units * w, denominator)
        floors.append(floor)
        remainders.append(remainder)
    leftover = units * sum(weights) // denominator - sum(floors)
    if leftover > 0:  # stable sort: equal remainders keep the lower index first
        for i in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:leftover]:
            floors[i] += 1
    return floors
