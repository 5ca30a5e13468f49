"""Rule 4, the re-read: right before sending, items whose fresh value differs are re-planned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from omnistock.domain.safety.changes import ProposedChange

__all__ = ["Reread", "reread"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reread:
    """``send`` still matches the fresh computation; ``replan`` must go back to the planner."""

    send: tuple[ProposedChange, ...]
    replan: tuple[ProposedChange, ...]


def reread(batch: Sequence[ProposedChange], fresh: Mapping[str, int | None]) -> Reread:
    """Split ``batch`` by ``fresh`` (offer id → desired recomputed from a fresh read).

    An offer missing from ``fresh`` or recomputed as ``None`` (stock unknown) is re-planned,
    never sent: the send path only carries values confirmed twice.
    """
    send = tuple(c for c in batch if fresh.get(c.offer_id) == c.quantity)
    replan = tuple(c for c in batch if fresh.get(c.offer_id) != c.quantity)
    return Reread(send=send, replan=replan)
