"""The safety guard: judges one channel account's change-set before anything is sent.

Rules (DESIGN.md §5), applied in this order:

5. **sanity** — a quantity that is not a whole number, is negative, or is above
   ``absurd_factor`` × the largest quantity seen is an error: never sent, never held.
1. **mass zero / mass drop** — if more than ``mass_share`` of the active listings (and at
   least ``mass_min_listings``) would drop to 0 with no order for the SKU, or lose more than
   ``mass_drop_share`` of their quantity beyond what orders explain, the **whole set** is held
   (critical).
2. **unexplained large drop** — otherwise, an item whose unexplained drop is at least
   ``item_min_units`` and more than ``item_drop_share`` of its quantity is held alone.

A drop is measured from the listing's baseline for the window (``ActiveListing.baseline``:
the highest quantity the channel confirmed within the window), or from ``previous`` when the
listing is not in ``current``; orders for the SKU within the window explain that many units of
it. Genuine sales that empty many SKUs are therefore not held. For rule 1, listings of
``current`` that are not in the change-set but already dropped within the window (sent by an
earlier pass) count too: a mass drop cut into small change-sets is still one mass drop.
A listing with neither (never confirmed by the channel, no earlier value) counts as active
for rule 1, and its change to 0 with no order as suspicious: what the channel shows is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from omnistock.domain.ids import Sku
from omnistock.domain.safety.changes import ActiveListing, ExplainedUnits, ProposedChange
from omnistock.domain.safety.thresholds import GuardThresholds

__all__ = [
    "GuardVerdict",
    "HeldChange",
    "HoldReason",
    "SanityError",
    "SanityProblem",
    "baseline_of",
    "guard_change_set",
    "unexplained_units",
]


class HoldReason(StrEnum):
    """Why a change is held."""

    MASS_CHANGE = "mass_change"
    LARGE_DROP = "large_drop"


class SanityProblem(StrEnum):
    """What makes a proposed quantity impossible."""

    NOT_INTEGER = "not_integer"
    NEGATIVE = "negative"
    ABSURD = "absurd"
    NAIVE_TIME = "naive_time"


@dataclass(frozen=True, slots=True, kw_only=True)
class SanityError:
    """A change that must never be sent; ``message`` says why (ids and numbers only)."""

    change: ProposedChange
    problem: SanityProblem
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldChange:
    """A change kept back until a person (or the next import) confirms it."""

    change: ProposedChange
    reason: HoldReason
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GuardVerdict:
    """What may be sent now, what is held, and what is wrong.

    ``set_held`` is true when rule 1 held the whole set (a critical incident);
    ``suspicious`` of ``active`` listings dropped without explanation.
    """

    send: tuple[ProposedChange, ...]
    held: tuple[HeldChange, ...]
    errors: tuple[SanityError, ...]
    set_held: bool
    active: int
    suspicious: int

    @property
    def clean(self) -> bool:
        """Nothing held and nothing wrong."""
        return not self.held and not self.errors


def guard_change_set(
    proposed: Sequence[ProposedChange],
    current: Sequence[ActiveListing],
    explained: ExplainedUnits,
    thresholds: GuardThresholds | None = None,
) -> GuardVerdict:
    """Judge ``proposed`` (one channel account) against ``current`` and ``explained`` units."""
    limits = thresholds if thresholds is not None else GuardThresholds()
    baseline = {listing.offer_id: listing.baseline for listing in current}
    sane, errors = _sanity(proposed, baseline, limits)
    active = _active_count(baseline, proposed)
    suspicious = sum(1 for c in sane if _mass_suspect(c, baseline, explained, limits))
    asked = {c.offer_id for c in proposed}
    suspicious += sum(
        1
        for listing in current
        if listing.offer_id not in asked and _sent_drop(listing, explained, limits)
    )
    mass = suspicious >= limits.mass_min_listings and suspicious > limits.mass_share * active
    if mass:
        message = f"{suspicious} of {active} active listings would drop without orders"
        send: tuple[ProposedChange, ...] = ()
        held = tuple(
            HeldChange(change=c, reason=HoldReason.MASS_CHANGE, message=message) for c in sane
        )
    else:
        send, held = _judge_items(sane, baseline, explained, limits)
    return GuardVerdict(
        send=send, held=held, errors=errors, set_held=mass, active=active, suspicious=suspicious
    )


def baseline_of(change: ProposedChange, baseline: Mapping[str, int]) -> int:
    """The quantity a drop is measured from: the window's baseline, else the last pushed value."""
    if change.offer_id in baseline:
        return baseline[change.offer_id]
    return change.previous or 0


def unexplained_units(
    change: ProposedChange, baseline: Mapping[str, int], explained: ExplainedUnits
) -> int:
    """Units of the drop that no order explains (0 for increases)."""
    drop = baseline_of(change, baseline) - change.quantity
    return max(0, drop - max(0, explained.get(change.sku, 0)))


def _mass_suspect(
    change: ProposedChange,
    baseline: Mapping[str, int],
    explained: ExplainedUnits,
    limits: GuardThresholds,
) -> bool:
    if _unknown(change, baseline):
        # never confirmed by the channel: what it shows is unknown, so a 0 is not safe
        return change.quantity == 0 and max(0, explained.get(change.sku, 0)) == 0
    base = baseline_of(change, baseline)
    return _suspect_drop(change.sku, base, change.quantity, explained, limits)


def _unknown(change: ProposedChange, baseline: Mapping[str, int]) -> bool:
    """No quantity to measure from: not in the baseline and no ``previous`` value."""
    return change.offer_id not in baseline and change.previous is None


def _sent_drop(listing: ActiveListing, explained: ExplainedUnits, limits: GuardThresholds) -> bool:
    """A listing not in the change-set that already dropped within the window."""
    return _suspect_drop(listing.sku, listing.baseline, listing.quantity, explained, limits)


def _suspect_drop(
    sku: str, base: int, quantity: int, explained: ExplainedUnits, limits: GuardThresholds
) -> bool:
    ordered = max(0, explained.get(Sku(sku), 0))
    missing = max(0, base - quantity - ordered)
    if base <= 0 or missing <= 0:
        return False
    return (quantity == 0 and ordered == 0) or missing > limits.mass_drop_share * base


def _judge_items(
    changes: Sequence[ProposedChange],
    baseline: Mapping[str, int],
    explained: ExplainedUnits,
    limits: GuardThresholds,
) -> tuple[tuple[ProposedChange, ...], tuple[HeldChange, ...]]:
    send: list[ProposedChange] = []
    held: list[HeldChange] = []
    for change in changes:
        base = baseline_of(change, baseline)
        missing = unexplained_units(change, baseline, explained)
        if missing >= limits.item_min_units and missing > limits.item_drop_share * base:
            message = f"{change.sku}: {base} → {change.quantity}, {missing} units not explained"
            held.append(HeldChange(change=change, reason=HoldReason.LARGE_DROP, message=message))
        else:
            send.append(change)
    return tuple(send), tuple(held)


def _active_count(baseline: Mapping[str, int], proposed: Sequence[ProposedChange]) -> int:
    active = {offer for offer, quantity in baseline.items() if quantity > 0}
    active.update(
        c.offer_id
        for c in proposed
        if c.offer_id not in baseline and ((c.previous or 0) > 0 or _unknown(c, baseline))
    )
    return len(active)


def _sanity(
    proposed: Sequence[ProposedChange], baseline: Mapping[str, int], limits: GuardThresholds
) -> tuple[list[ProposedChange], tuple[SanityError, ...]]:
    largest = max(
        [limits.absurd_floor, *baseline.values()]
        + [c.previous for c in proposed if isinstance(c.previous, int)]
    )
    sane: list[ProposedChange] = []
    errors: list[SanityError] = []
    for change in proposed:
        problem = _problem(change, limits.absurd_factor * largest)
        if problem is None:
            sane.append(change)
        else:
            errors.append(SanityError(change=change, problem=problem[0], message=problem[1]))
    return sane, tuple(errors)


def _problem(change: ProposedChange, ceiling: int) -> tuple[SanityProblem, str] | None:
    value: object = change.quantity
    where = f"{change.offer_id} ({change.sku})"
    if isinstance(value, bool) or not isinstance(value, int):
        return SanityProblem.NOT_INTEGER, f"{where}: quantity {value!r} is not a whole number"
    if value < 0:
        return SanityProblem.NEGATIVE, f"{where}: quantity {value} is negative"
    if value > ceiling:
        return SanityProblem.ABSURD, f"{where}: quantity {value} is above the limit {ceiling}"
    if change.observed_at.utcoffset() is None:
        return SanityProblem.NAIVE_TIME, f"{where}: observed_at has no time zone"
    return None
