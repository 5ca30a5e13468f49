"""Holds: changes the guard kept back, waiting for a person or for the source to confirm them.

A hold made at push time covers one channel account (a whole set, rule 1, or one item, rule 2).
A hold made when a stock import trips rule 1 covers **every** channel account's changes of that
import (:func:`import_hold`): one hold, one decision for all of them.

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
    "SEVERAL_CHANNELS",
    "SOURCE_ACTOR",
    "Hold",
    "HoldScope",
    "HoldStatus",
    "approve",
    "holds_from_verdict",
    "import_hold",
    "reconfirm",
    "reject",
]

SEVERAL_CHANNELS = ChannelId("*")
"""``Hold.channel`` of a hold whose items span several channel accounts."""

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
    """Held changes, with the reason and the decision trail.

    ``channel`` is the channel account of every item, or ``*`` (:data:`SEVERAL_CHANNELS`) when
    the items span several (each item's ``change.channel`` names its own). ``cause`` is what
    produced the changes (an import id, an order batch, a person).
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

    @property
    def decided_by_source(self) -> bool:
        """Decided by the stock source's next import, not by a person."""
        return (self.decided_by or "").startswith(f"{SOURCE_ACTOR}:")

    @property
    def channels(self) -> tuple[ChannelId, ...]:
        """The channel accounts the held changes go to, sorted."""
        return tuple(sorted({h.change.channel for h in self.items}))

    def to_dict(self) -> dict[str, object]:
        """Every field plus ``channels`` (what the API shows)."""
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["channels"] = list(self.channels)
        return data

    def offers(self) -> dict[ChannelId, list[str]]:
        """Offer ids of the held changes per channel account."""
        found: dict[ChannelId, list[str]] = {}
        for held in self.items:
            found.setdefault(held.change.channel, []).append(held.change.offer_id)
        return found


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


def import_hold(
    verdicts: Mapping[ChannelId, GuardVerdict],
    *,
    hold_id: str,
    cause: str,
    now: datetime,
) -> Hold | None:
    """One set hold of every channel account's changes when rule 1 held any of them.

    ``verdicts`` judge one import's changes per channel account. If no account's set is held,
    ``None``: the changes go to the dispatcher, whose guard judges them again before sending.
    Otherwise every sane change of the import, on every account, waits in one hold (the source
    is suspect, not one channel); impossible values stay out (the dispatcher marks them errors).
    """
    tripped = {ch: v for ch, v in sorted(verdicts.items()) if v.set_held}
    if not tripped:
        return None
    if not cause.strip():
        raise InvalidValue("an import hold names its import", field="cause")
    message = (
        f"{cause}: "
        + ", ".join(
            f"{v.suspicious} of {v.active} active listings on {ch}" for ch, v in tripped.items()
        )
        + " would drop without orders"
    )
    items = tuple(
        HeldChange(change=change, reason=HoldReason.MASS_CHANGE, message=message)
        for _channel, verdict in sorted(verdicts.items())
        for change in (*verdict.send, *(h.change for h in verdict.held))
    )
    channels = {h.change.channel for h in items}
    return Hold(
        id=hold_id,
        channel=next(iter(channels)) if len(channels) == 1 else SEVERAL_CHANNELS,
        scope=HoldScope.SET,
        reason=HoldReason.MASS_CHANGE,
        message=message,
        items=items,
        created_at=now,
        cause=cause,
    )


def approve(hold: Hold, *, by: str, now: datetime, note: str = "") -> Hold:
    """A person confirms the held values: send them through the normal path."""
    return _decide(hold, HoldStatus.APPROVED, by, now, note)


def reject(hold: Hold, *, by: str, now: datetime, note: str = "") -> Hold:
    """A person refuses the held values: the channel keeps its last good state."""
    return _decide(hold, HoldStatus.REJECTED, by, now, note)


def reconfirm(
    hold: Hold,
    recomputed: Mapping[tuple[str, str], int],
    *,
    import_id: str,
    now: datetime,
    enabled: bool = True,
) -> Hold:
    """Decide a pending hold after the source's next import.

    ``recomputed`` is (channel, offer id) → desired planned from the new import. Every held item
    planned again with the same value → ``auto_cleared`` (when ``enabled``). Any item planned
    differently → ``rejected`` by the source (the held values are outdated and must never be
    approved later); the new values go through the guard on their own.
    """
    if not hold.pending:
        return hold
    same = all(
        recomputed.get((h.change.channel, h.change.offer_id)) == h.change.quantity
        for h in hold.items
    )
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
