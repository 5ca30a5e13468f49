"""Reconciler: read what each channel really shows, compare with desired, repair drift.

Repair goes through the normal path: the listing's ``last_pushed`` is set to the quantity the
channel actually shows, so a listing whose channel value differs from ``desired`` becomes dirty
and the dispatcher pushes it (coalesced, batched, within budget). A listing the channel already
shows correctly is marked as pushed. A ``dead`` listing still drifting gets a fresh start.
Offers the channel does not know are reported as missing. When the configured ``read_check``
finds the answer suspicious (e.g. every offer at 0), nothing is applied (``suspicious=True``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from omnistock.store.sync_repository import SyncStore

if TYPE_CHECKING:
    from omnistock.sync.dispatcher import Dispatcher

__all__ = ["Drift", "ReconcileReport", "reconcile"]

EXAMPLES = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Drift:
    offer_id: str
    desired: int | None
    actual: int | None


@dataclass(slots=True, kw_only=True)
class ReconcileReport:
    channel: str
    checked: int = 0
    drift: int = 0
    missing: int = 0
    complete: bool = True
    suspicious: bool = False
    examples: list[Drift] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "checked": self.checked,
            "drift": self.drift,
            "missing": self.missing,
            "complete": self.complete,
            "suspicious": self.suspicious,
            "examples": [
                {"offer_id": d.offer_id, "desired": d.desired, "actual": d.actual}
                for d in self.examples
            ],
        }


def _chunks(ids: Sequence[str], size: int) -> list[Sequence[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def reconcile(dispatcher: Dispatcher, now: datetime) -> ReconcileReport:
    """Compare every listing of the dispatcher's channel with the channel; mark drift for repair.

    Runs under the channel's lease (``complete=False`` if another worker holds it) and spends
    one request of the budget per read (stops, incomplete, when the budget is empty).
    """
    store, channel = dispatcher.store, dispatcher.channel
    report = ReconcileReport(channel=channel)
    if not dispatcher.acquire(now):
        report.complete = False
        return report
    try:
        _read_all(dispatcher, store, report, now)
    finally:
        dispatcher.release()
    return report


def _read_all(
    dispatcher: Dispatcher, store: SyncStore, report: ReconcileReport, now: datetime
) -> None:
    listings = store.listing_quantities(report.channel, settled_only=True)
    size = max(1, dispatcher.adapter.capabilities.max_batch)
    read: dict[str, int | None] = {}
    for chunk in _chunks(sorted(listings), size):
        if dispatcher.spend(0, now) > 0:
            report.complete = False
            break
        actual = dispatcher.adapter.read_quantities(chunk)
        read.update({offer_id: actual.get(offer_id) for offer_id in chunk})
    check = dispatcher.config.read_check
    if check is not None and not check(report.channel, _known(read), _pushed(listings)):
        report.suspicious = True
        return
    for offer_id, actual_quantity in read.items():
        _compare(store, report, offer_id, listings[offer_id], actual_quantity, now)


def _known(read: Mapping[str, int | None]) -> dict[str, int]:
    return {offer: q for offer, q in read.items() if q is not None}


def _pushed(listings: Mapping[str, tuple[int | None, int | None]]) -> dict[str, int]:
    return {offer: pushed for offer, (_d, pushed) in listings.items() if pushed is not None}


def _compare(
    store: SyncStore,
    report: ReconcileReport,
    offer_id: str,
    known: tuple[int | None, int | None],
    actual: int | None,
    now: datetime,
) -> None:
    desired, last_pushed = known
    report.checked += 1
    if actual is None:
        report.missing += 1
        _example(report, offer_id, desired, actual)
        return
    if desired is not None and actual != desired:
        report.drift += 1
        _example(report, offer_id, desired, actual)
        store.revive(report.channel, offer_id, now=now)
    if actual != last_pushed:
        store.set_last_pushed(report.channel, offer_id, actual)


def _example(
    report: ReconcileReport, offer_id: str, desired: int | None, actual: int | None
) -> None:
    if len(report.examples) < EXAMPLES:
        report.examples.append(Drift(offer_id=offer_id, desired=desired, actual=actual))
