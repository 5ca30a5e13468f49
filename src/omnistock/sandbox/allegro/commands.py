"""Batch commands (quantity, publication): client UUIDs, asynchronous tasks NEW → SUCCESS/FAIL.

Tasks are settled lazily: each read first applies every task whose due time (registration time
plus ``async_delay_seconds`` of sandbox time) has passed, in registration order. A second command
touching an offer whose earlier task of the same kind is still NEW gets a failed task with
``InProgressTaskLimitReachedException``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from omnistock.sandbox.allegro.errors import error_item
from omnistock.sandbox.allegro.offers import MAX_STOCK, Offer, OfferBook, OfferStatus

__all__ = [
    "Command",
    "CommandBook",
    "CommandKind",
    "Task",
    "TaskStatus",
    "failure_error",
    "in_progress_error",
    "task_field",
]

_FIELDS = {"quantity": "stock.available", "publication": "publication.status"}


class CommandKind(StrEnum):
    """Which command resource."""

    QUANTITY = "quantity"
    PUBLICATION = "publication"


class TaskStatus(StrEnum):
    """Task states."""

    NEW = "NEW"
    SUCCESS = "SUCCESS"
    FAIL = "FAIL"


@dataclass(slots=True, kw_only=True)
class Task:
    """One offer of one command."""

    offer_id: str
    due: float
    seq: int
    scheduled_at: datetime
    status: TaskStatus = TaskStatus.NEW
    message: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    preset_error: dict[str, Any] | None = None
    finished_at: datetime | None = None

    def fail(self, error: dict[str, Any], now: datetime) -> None:
        """Finish as FAIL with ``error``."""
        self.status, self.message, self.errors = TaskStatus.FAIL, error["message"], [error]
        self.finished_at = now

    def succeed(self, now: datetime) -> None:
        """Finish as SUCCESS."""
        self.status, self.finished_at = TaskStatus.SUCCESS, now


@dataclass(slots=True, kw_only=True)
class Command:
    """A registered command: what to change and its tasks."""

    id: str
    kind: CommandKind
    change: dict[str, Any]
    created_at: datetime
    tasks: list[Task]
    completed_at: datetime | None = None

    def counts(self) -> dict[str, int]:
        """``taskCount``."""
        done = [t.status for t in self.tasks]
        return {
            "total": len(done),
            "success": done.count(TaskStatus.SUCCESS),
            "failed": done.count(TaskStatus.FAIL),
        }


def in_progress_error() -> dict[str, Any]:
    """The per-task error for an offer whose previous change is unfinished."""
    return error_item(
        "InProgressTaskLimitReachedException",
        "Previous status changes have not been finished yet.",
        user_message="Poprzednie zmiany nie zostały jeszcze zakończone.",
    )


def failure_error() -> dict[str, Any]:
    """The per-task error an injected partial batch failure produces."""
    return error_item(
        "InternalServerErrorException",
        "Task processing failed, please try again.",
        user_message="Przetwarzanie nie powiodło się, spróbuj ponownie.",
    )


@dataclass(slots=True)
class CommandBook:
    """Every command ever registered (per kind), with lazily settled tasks."""

    commands: dict[tuple[CommandKind, str], Command] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    def get(self, kind: CommandKind, command_id: str) -> Command | None:
        """A command, or None."""
        return self.commands.get((kind, command_id))

    def register(self, command: Command) -> None:
        """Store a new command (the caller checked that its id is unused)."""
        self.commands[(command.kind, command.id)] = command

    def busy(self, kind: CommandKind, offer_id: str) -> bool:
        """Whether an earlier ``kind`` task for ``offer_id`` is still NEW."""
        return any(
            task.offer_id == offer_id and task.status is TaskStatus.NEW
            for (k, _), command in self.commands.items()
            if k is kind
            for task in command.tasks
        )

    def new_task(self, offer_id: str, due: float, now: datetime) -> Task:
        """A NEW task numbered in registration order."""
        return Task(offer_id=offer_id, due=due, seq=next(self._seq), scheduled_at=now)

    def settle(self, offers: OfferBook, now_s: float, now: datetime) -> None:
        """Apply every due task in order; mark finished commands complete."""
        due = [
            (task, command)
            for command in self.commands.values()
            for task in command.tasks
            if task.status is TaskStatus.NEW and task.due <= now_s
        ]
        for task, command in sorted(due, key=lambda pair: pair[0].seq):
            _apply(task, command, offers, now)
        for command in self.commands.values():
            if command.completed_at is None and all(
                t.status is not TaskStatus.NEW for t in command.tasks
            ):
                command.completed_at = now


def _apply(task: Task, command: Command, offers: OfferBook, now: datetime) -> None:
    if task.preset_error is not None:
        task.fail(task.preset_error, now)
        return
    offer = offers.get(task.offer_id)
    if offer is None:
        task.fail(error_item("OFFER_NOT_FOUND", "The offer does not exist."), now)
        return
    if command.kind is CommandKind.QUANTITY:
        error = _quantity(command, offer, now)
    else:
        error = _publication(command, offer, now)
    if error is None:
        task.succeed(now)
    else:
        task.fail(error, now)


def _quantity(command: Command, offer: Offer, now: datetime) -> dict[str, Any] | None:
    value = int(command.change["value"])
    target = value if command.change["changeType"] == "FIXED" else offer.available + value
    if target < 1:
        return error_item(
            "INVALID_OFFER_QUANTITY",
            "The quantity can not be changed to less than 1.",
            details="INCORRECT_QUANTITY_VALUE",
        )
    if target + offer.sold > MAX_STOCK:
        return error_item(
            "INVALID_OFFER_QUANTITY", f"The quantity can not be greater than {MAX_STOCK}."
        )
    offer.set_available(target, now)
    return None


def _publication(command: Command, offer: Offer, now: datetime) -> dict[str, Any] | None:
    if command.change["action"] == "END":
        if offer.status is not OfferStatus.ENDED:
            offer.end(now, "USER")
        return None
    if offer.available < 1:
        return error_item(
            "OFFER_ACTIVATION_ERROR", "The offer cannot be activated without available stock."
        )
    offer.activate(now)
    return None


def task_field(kind: CommandKind) -> str:
    """The ``field`` a task of ``kind`` reports."""
    return _FIELDS[kind.value]
