"""Holds: changes the guard kept back, waiting for a person or for the source to confirm them.

Lifecycle: ``pending`` → ``approved`` (sent through the normal path) | ``rejected`` (the last
good state stays) | ``auto_cleared`` (the source re-confirmed the same values on its next
import). Every decision records who and when; a decided hold never changes again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.safety.guard import GuardVerdict, HeldChange, HoldReason

__all__ = [
    "SOURCE_ACTOR",
    "Hold",
    "HoldScope",
    "HoldStatus",
    "approve",
    "holds_from_verdict",
    "reconfirm",
    "reject",
]

SOURCE_ACTOR = "source"
"""``decided_by`` prefix when the stock source, not a person, decided (``source:<import id>``)."""


class HoldStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    AUTO_CLEARED = "auto_cleared"


class HoldScope(StrEnum):
    """A whole change-set (rule 1) or one item (rule 2)."""

    SET = "set"
    ITEM = "item"


@dataclass(frozen=True, slots=True, kw_only=True)
class Hold:
    """Held changes of one channel account, with the reason and the decision trail.

    ``cause`` is what produced the changes (an import id, an order batch, a person), so the
    holds one bad import made on several channel accounts can be listed and decided together.
    """

    id: str
    channel: ChannelId
    scope: HoldScope
    reason: HoldReason
    message: str
    items: tuple[HeldChange, ...]
    created_at: datetime
    cause: str = ""
    status: HoldStatus = HoldStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""

    @property
    def pending(self) -> bool:
        return self.status is HoldStatus.PENDING


def holds_from_verdict(
    verdict: GuardVerdict,
    *,
    ids: Sequence[str],
    channel: ChannelId,
    now: datetime,
    cause: str = "",
) -> list[Hold]:
    """One set hold (rule 1) or one hold per held item (rule 2); ``ids`` are used in order."""
    if verdict.set_held:
        groups = [verdict.held]
    else:
        groups = [(held,) for held in verdict.held]
    if len(ids) < len(groups):
        raise InvalidValue(f"{len(groups)} hold ids needed, got {len(ids)}", field="ids")
    scope = HoldScope.SET if verdict.set_held else HoldScope.ITEM
    return [
        Hold(
            id=hold_id,
            channel=channel,
            scope=scope,
            reason=group[0].reason,
            message=group[0].message,
            items=group,
            created_at=now,
            cause=cause,
        )
        for hold_id, group in zip(ids, groups, strict=False)
        if group
    ]


def approve(hold: Hold, *, by: str, now: datetime, note: str = "") -> Hold:
    """A person confirms the held values: send them through the normal path."""
    return _decide(hold, HoldStatus.APPROVED, by, now, note)


def reject(hold: Hold, *, by: str, now: datetime, note: str = "") -> Hold:
    """A person refuses the held values: the channel keeps its last good state."""
    return _decide(hold, HoldStatus.REJECTED, by, now, note)


def reconfirm(
    hold: Hold,
    recomputed: Mapping[str, int],
    *,
    import_id: str,
    now: datetime,
    enabled: bool = True,
) -> Hold:
    """Decide a pending hold after the source's next import.

    ``recomputed`` is offer id → desired quantity planned from the new import. Every held item
    planned again with the same value → ``auto_cleared`` (when ``enabled``). Any item planned
    differently → ``rejected`` by the source (the held values are outdated and must never be
    approved later); the new values go through the guard on their own.
    """
    if not hold.pending:
        return hold
    same = all(recomputed.get(h.change.offer_id) == h.change.quantity for h in hold.items)
    actor = f"{SOURCE_ACTOR}:{import_id}"
    if same:
        if not enabled:
            return hold
        return _decide(hold, HoldStatus.AUTO_CLEARED, actor, now, "re-confirmed by the source")
    return _decide(hold, HoldStatus.REJECTED, actor, now, "superseded by a newer import")


def _decide(hold: Hold, status: HoldStatus, by: str, now: datetime, note: str) -> Hold:
    if not hold.pending:
        raise Conflict(f"hold {hold.id} is already {hold.status}", field="status")
    if not by.strip():
        raise InvalidValue("who decides must be named", field="by")
    return dataclasses.replace(hold, status=status, decided_by=by, decided_at=now, note=note)
