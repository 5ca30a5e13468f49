"""The worker's invoicing job: issue the invoices paid business orders are owed, send them to KSeF.

``InvoiceJob`` is a worker tick hook (``Worker(tick=[…, job])``, wired by
``omnistock.bootstrap.invoice_job`` into ``omnistock worker``). On a tick, at most every
``issue_every_s``:

- **issue**: every paid (or ready, shipped) order with ``invoice_requested`` — the buyer gave a
  NIP or asked for an invoice at checkout — that has no invoice yet gets its VAT invoice through
  :func:`issue_for_order` (the same use case as ``omnistock invoice issue``), when
  ``[invoicing] b2b_on_payment`` is on. Consumers never get one here: only on request (CLI/API).
  An order whose invoice failed (a draft + an incident) is retried after ``draft_retry_s``.
- **correct**: an invoiced order (its invoice in KSeF) that the channel later reports cancelled or
  returned (WooCommerce ``refunded``, Allegro ``RETURNED``/cancelled) gets a correction to zero
  (:func:`correct_closed_order`, one KOR even with two workers) when ``correct_closed`` is on.
  Partial returns are not seen as order statuses: ``omnistock invoice correct N --return``.
- **send**, at most every ``send_every_s``: :func:`send_pending` with claims (``stale_after``), so
  with two workers each invoice is sent by one of them.

Idempotent: a restarted worker finds the orders' invoices (``invoices.order_id`` is unique) and
sends only what is still waiting; two workers racing on an order end with one invoice and one
number (the loser's number is rolled back with its transaction: gap-free). A crash between
"sent" and the result is repaired by the next sender after ``stale_after`` (KSeF answers 440 with
the same hash → the first KSeF number).

Failures back off: a send that could not finish (KSeF unavailable → offline mode, throttled,
refused) raises an incident and the next attempt waits ``backoff_s`` × 2ⁿ (at most
``max_backoff_s``); any error issuing an order (e.g. the NBP rate source down) raises an incident
and the order is tried again next time. Backoff state lives in the process: a restart tries at
once, which is safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from omnistock.domain.errors import Conflict, InvalidValue
from omnistock.domain.incidents import Severity
from omnistock.domain.orders import OrderStatus
from omnistock.service.invoice_build import INVOICEABLE
from omnistock.service.invoice_config import InvoicingConfig
from omnistock.service.invoice_ports import (
    IncidentSink,
    KsefConnector,
    RatesConnector,
    RateSource,
)
from omnistock.service.invoice_send import SendSummary, occurrence, send_pending
from omnistock.service.invoices import correct_closed_order, issue_for_order
from omnistock.service.order_privacy import PersonalSealer
from omnistock.store.invoice_repository import InvoiceUnitOfWork

__all__ = ["InvoiceJob", "InvoicePass", "JobSettings"]

log = logging.getLogger(__name__)

REASONS = {
    OrderStatus.CANCELLED.value: "Anulowanie zamówienia",
    OrderStatus.RETURNED.value: "Zwrot towaru",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSettings:
    """How often and how much; ``from_config`` takes the ``[invoicing]`` values."""

    issue_every: timedelta = timedelta(seconds=60)
    send_every: timedelta = timedelta(seconds=400)  # 9 sends/h × online_max 20 = 180/h
    draft_retry: timedelta = timedelta(hours=1)
    stale_after: timedelta = timedelta(minutes=15)  # > the client's poll timeout (300 s)
    backoff: timedelta = timedelta(seconds=60)
    max_backoff: timedelta = timedelta(hours=1)
    orders_per_pass: int = 500
    invoices_per_send: int = 10_000  # KSeF's limit per session

    @classmethod
    def from_config(cls, config: InvoicingConfig) -> JobSettings:
        return cls(
            issue_every=timedelta(seconds=config.issue_every_s),
            send_every=timedelta(seconds=config.send_every_s),
            draft_retry=timedelta(seconds=config.draft_retry_s),
        )


@dataclass
class InvoicePass:
    """What one tick did: invoices issued (numbers), orders that failed, the KSeF send."""

    issued: list[str] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    sent: SendSummary | None = None


class InvoiceJob:
    """The tick hook; one instance per worker process."""

    def __init__(
        self,
        *,
        uow_factory: Callable[[], InvoiceUnitOfWork],
        config: InvoicingConfig,
        sealer: PersonalSealer,
        incidents: IncidentSink,
        ksef: KsefConnector | None,
        rates: RatesConnector | None = None,
        settings: JobSettings | None = None,
    ) -> None:
        self.uow_factory, self.config, self.sealer = uow_factory, config, sealer
        self.incidents, self.ksef, self.rates = incidents, ksef, rates
        self.settings = settings or JobSettings.from_config(config)
        self._next_issue: datetime | None = None
        self._next_send: datetime | None = None
        self.send_failures = 0

    def __call__(self, now: datetime) -> InvoicePass:
        done = InvoicePass()
        if _due(self._next_issue, now):
            self._next_issue = now + self.settings.issue_every
            if self.config.b2b_on_payment:
                self.issue_due(now, done)
            if self.config.correct_closed:
                self.correct_closed(now, done)
        if self.ksef is not None and _due(self._next_send, now):
            self._next_send = now + self.settings.send_every
            done.sent = self.send(now)
        return done

    # -- issuing ---------------------------------------------------------------------------
    def issue_due(self, now: datetime, done: InvoicePass) -> None:
        """Issue the invoice of every order that is owed one (see the module docs)."""
        since = self.config.auto_since
        with self.uow_factory() as uow:
            due = uow.invoices.due_orders(
                [status.value for status in INVOICEABLE],
                retry_drafts_before=now - self.settings.draft_retry,
                seen_since=None if since is None else datetime.combine(since, time(), UTC),
                limit=self.settings.orders_per_pass,
            )
        if not due:
            return
        if self.rates is None:
            self._issue_all(due, now, done, None)
            return
        with self.rates() as rates:
            self._issue_all(due, now, done, rates)

    def _issue_all(
        self, due: list[int], now: datetime, done: InvoicePass, rates: RateSource | None
    ) -> None:
        for order_id in due:
            try:
                stored = issue_for_order(
                    self.uow_factory(), order_id, now=now, config=self.config,
                    sealer=self.sealer, incidents=self.incidents, rates=rates,
                )  # fmt: skip
            except Conflict:
                continue  # not (or no longer) invoiceable, e.g. the status changed meanwhile
            except InvalidValue:
                done.failed.append(order_id)  # a draft and an incident: issue_for_order did it
                continue
            except Exception as exc:  # a rate source or the database: try again next time
                log.exception("invoice job: order %s", order_id)
                detail = f"order {order_id}: {type(exc).__name__}: {exc}"[:500]
                self.incidents.record([occurrence("invoice job", detail)], now=now)
                done.failed.append(order_id)
                continue
            if stored.number:
                done.issued.append(stored.number)

    # -- corrections -----------------------------------------------------------------------
    def correct_closed(self, now: datetime, done: InvoicePass) -> None:
        """A KOR to zero for each invoice whose order was cancelled or returned since."""
        with self.uow_factory() as uow:
            closed = uow.invoices.closed_uncorrected(list(REASONS), self.settings.orders_per_pass)
        for invoice_id, status in closed:
            try:
                kor = correct_closed_order(self.uow_factory(), invoice_id, reason=REASONS[status],
                                           now=now, config=self.config)  # fmt: skip
            except Exception as exc:  # bad stored data or the database: an incident, next time
                log.exception("invoice job: correcting invoice %s", invoice_id)
                detail = f"invoice id {invoice_id}: {type(exc).__name__}: {exc}"[:500]
                self.incidents.record([occurrence("invoice job: correction", detail)], now=now)
                continue
            if kor is not None and kor.number:
                done.corrected.append(kor.number)

    # -- sending ---------------------------------------------------------------------------
    def send(self, now: datetime) -> SendSummary | None:
        """One ``send_pending`` with claims; a pass that cannot finish backs off."""
        assert self.ksef is not None
        try:
            with self.ksef() as ksef:
                summary = send_pending(
                    self.uow_factory(), ksef, now, incidents=self.incidents,
                    limit=self.settings.invoices_per_send, stale_after=self.settings.stale_after,
                )  # fmt: skip
        except Exception as exc:
            log.exception("invoice job: sending to KSeF failed")
            self._back_off(now, f"{type(exc).__name__}: {exc}")
            return None
        if summary.offline or summary.deferred:
            waiting = len(summary.offline) + len(summary.deferred)
            self._back_off(now, f"{waiting} invoice(s) wait for KSeF (offline or throttled)")
        else:
            self.send_failures = 0
        return summary

    def _back_off(self, now: datetime, why: str) -> None:
        self.send_failures += 1
        wait = min(self.settings.backoff * 2 ** (self.send_failures - 1), self.settings.max_backoff)
        self._next_send = max(self._next_send or now, now + wait)
        seconds = int(wait.total_seconds())
        detail = f"KSeF send failed ({self.send_failures}×), next try in {seconds} s: {why}"
        self.incidents.record(
            [occurrence("invoice job: KSeF send", detail[:500], Severity.WARNING)], now=now
        )


def _due(next_at: datetime | None, now: datetime) -> bool:
    return next_at is None or now >= next_at
