"""Ports of the invoicing services: KSeF, exchange rates and the incident sink.

The services (``invoices``, ``invoice_send``, ``invoice_jobs``) depend on these Protocols, never on
a concrete client: ``omnistock.invoicing.ksef.KsefClient`` (HTTP, KSeF API 2.x) and
``InMemoryKsef`` both satisfy :class:`KsefPort`; ``NbpApiSource`` and ``TableRateSource`` satisfy
:class:`RateSource`; ``omnistock.store.incident_repository.IncidentStore`` satisfies
:class:`IncidentSink`. Only the composition root (``omnistock.bootstrap``) and the entry points
pick the implementations.

What crosses a port are values and errors of the KSeF contract (``BatchReport``, ``Outcome``,
``Accepted`` and the ``KsefError`` tree): an implementation reports each invoice's fate as an
``Outcome`` and raises ``KsefUnavailable`` (offline mode), ``KsefRetryable`` (throttled, try later)
or another ``KsefError`` (refused) for the send as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from omnistock.domain.incidents import Occurrence
from omnistock.domain.invoicing import ExchangeRate
from omnistock.invoicing.ksef.results import BatchReport

__all__ = ["IncidentSink", "KsefConnector", "KsefPort", "RateSource", "RatesConnector"]


class KsefPort(Protocol):
    """One seller's KSeF context: send invoices, get an outcome per invoice."""

    def send(
        self, files: Sequence[tuple[str, bytes]], *, offline_mode: bool = False
    ) -> BatchReport:
        """Send ``(name, xml)`` files (online or batch session, the port decides); one
        ``Outcome`` per file in input order; ``offline_mode`` for invoices issued offline."""
        ...


class RateSource(Protocol):
    """NBP average rates (table A)."""

    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        """The rate published on ``day``; ``None`` if no table was published that day."""
        ...


class IncidentSink(Protocol):
    """Where invoicing failures go (de-duplicated incidents)."""

    def record(self, occurrences: list[Occurrence], *, now: datetime) -> object: ...


KsefConnector = Callable[[], AbstractContextManager[KsefPort]]
"""Opens a KSeF connection for one pass (``lambda: KsefClient(settings)``); closed after it."""

RatesConnector = Callable[[], AbstractContextManager[RateSource]]
"""Opens an exchange-rate source for one pass (e.g. an ``NbpApiSource`` on its own httpx client)."""
