"""In-memory sender: records what it was asked to send; scripted results for tests and demos."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from omnistock.domain.incidents import Notification, Via
from omnistock.notify.result import DeliveryResult, DeliveryStatus

__all__ = ["InMemorySender"]


class InMemorySender:
    """Answers from ``script`` (in order), then ``sent``; keeps every notification in ``sent``."""

    def __init__(self, via: Via, script: Iterable[DeliveryStatus] = ()) -> None:
        self.via = via
        self.sent: list[Notification] = []
        self._script = deque(script)

    def send(self, notification: Notification) -> DeliveryResult:
        self.sent.append(notification)
        status = self._script.popleft() if self._script else DeliveryStatus.SENT
        return DeliveryResult(via=self.via, status=status, detail=f"in-memory {status}")
