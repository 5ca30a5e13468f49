"""How one ``PushBatch`` becomes Allegro calls (pure; the same batch always gives the same plan).

- A batch of at most ``patch_max_items`` offers is sent as single-offer
  ``PATCH /sale/product-offers/{id}`` calls: one request per offer, answered at once, against
  the 2500/min per-seller PATCH budget. Zero is ``stock.available: 0`` (Allegro ends the offer);
  resuming an offer from 0 sends stock and ``publication.status: ACTIVE`` in the same PATCH.
- A bigger batch becomes commands (each ≥ 2 requests: the PUT and at least one task read):
  one quantity command (``FIXED``) per distinct quantity, a publication ``END`` command for the
  zeros, and — once their quantity is set — a publication ``ACTIVATE`` command for offers
  resumed from 0.

Command ids are the idempotency keys. A plan with a single command uses the batch id itself;
otherwise each command id is ``uuid5(batch.id, label)`` (``quantity:<n>``, ``end``,
``activate``), so a retry of the same batch reuses every id and Allegro answers 409.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID, uuid5

from omnistock.channels.base import PushBatch, PushItem

__all__ = ["BatchPlan", "CommandKind", "CommandSpec", "activate_command", "plan_batch"]


class CommandKind(StrEnum):
    QUANTITY = "offer-quantity-change-commands"
    PUBLICATION = "offer-publication-commands"


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandSpec:
    """One command: its id, resource, body and offers."""

    id: UUID
    kind: CommandKind
    body: Mapping[str, object]
    offers: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchPlan:
    """Single-offer PATCHes, commands to PUT now, and offers to activate afterwards."""

    patches: tuple[PushItem, ...] = ()
    commands: tuple[CommandSpec, ...] = ()
    activate: tuple[str, ...] = ()


def _criteria(offers: tuple[str, ...]) -> list[dict[str, object]]:
    return [{"type": "CONTAINS_OFFERS", "offers": [{"id": o} for o in offers]}]


def _quantity(command_id: UUID, value: int, offers: tuple[str, ...]) -> CommandSpec:
    body = {
        "modification": {"changeType": "FIXED", "value": value},
        "offerCriteria": _criteria(offers),
    }
    return CommandSpec(id=command_id, kind=CommandKind.QUANTITY, body=body, offers=offers)


def _publication(command_id: UUID, action: str, offers: tuple[str, ...]) -> CommandSpec:
    body = {"publication": {"action": action}, "offerCriteria": _criteria(offers)}
    return CommandSpec(id=command_id, kind=CommandKind.PUBLICATION, body=body, offers=offers)


def activate_command(batch_id: UUID, offers: tuple[str, ...]) -> CommandSpec:
    """The ``ACTIVATE`` command for offers resumed from 0 (sent after their quantity is set)."""
    return _publication(uuid5(batch_id, "activate"), "ACTIVATE", offers)


def plan_batch(batch: PushBatch, patch_max_items: int) -> BatchPlan:
    """The calls for ``batch`` (see the module docstring)."""
    if len(batch.items) <= patch_max_items:
        return BatchPlan(patches=batch.items)
    by_value: dict[int, list[str]] = {}
    for item in batch.items:
        by_value.setdefault(item.quantity, []).append(item.offer_id)
    zeros = tuple(by_value.pop(0, ()))
    activate = tuple(i.offer_id for i in batch.items if i.quantity > 0 and i.previous == 0)
    single = len(by_value) + (1 if zeros else 0) == 1 and not activate
    commands = [
        _quantity(batch.id if single else uuid5(batch.id, f"quantity:{v}"), v, tuple(offers))
        for v, offers in sorted(by_value.items())
    ]
    if zeros:
        commands.append(_publication(batch.id if single else uuid5(batch.id, "end"), "END", zeros))
    return BatchPlan(commands=tuple(commands), activate=activate)
