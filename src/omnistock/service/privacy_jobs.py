"""The daily privacy job (the retention sweep, run at most once per UTC day) and the step before
a key rotation (:func:`prepare_rotation`).

``run_daily(engine, sealer_or_keys, now)`` is safe to call on every worker tick: it reads the
day of its last completed run from ``privacy_job_runs`` and returns at once (``ran=False``) when
it already ran today. Otherwise it sweeps every declared table (emptying expired personal fields,
see :mod:`omnistock.privacy.sweep`) and records the day. The sweep is idempotent, so two workers
racing on the same day, or a run interrupted before it is recorded, only repeat harmless work.
The sweep decrypts nothing: a keyring is accepted but only a :class:`Sealer`'s map is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine

from omnistock.privacy.datamap import DataMap
from omnistock.privacy.inventory import DATA_MAP
from omnistock.privacy.keys import Keyring
from omnistock.privacy.retention import DEFAULT_POLICY, RetentionPolicy
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.sweep import sweep
from omnistock.service.order_apply import rebind_quarantined
from omnistock.service.order_privacy import PrivacySealer
from omnistock.store.invoice_repository import InvoiceUnitOfWork
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.privacy_repository import last_run_day, record_run

__all__ = ["JOB", "Prepared", "SweepSummary", "daily_tick", "prepare_rotation", "run_daily"]

JOB = "retention-sweep"


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSummary:
    """What one call did: whether it ran, for which day, and values emptied by column."""

    ran: bool
    day: date
    emptied: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.emptied.values())


def run_daily(
    engine: Engine,
    sealer_or_keys: Sealer | Keyring | None,
    now: datetime,
    *,
    policy: RetentionPolicy = DEFAULT_POLICY,
    force: bool = False,
) -> SweepSummary:
    """Sweep expired personal data once per UTC day of ``now`` (``force``: sweep regardless)."""
    day = now.date()
    last = last_run_day(engine, JOB)
    if not force and last is not None and last >= day:
        return SweepSummary(ran=False, day=day)
    report = sweep(engine, _map_of(sealer_or_keys), now, policy=policy)
    summary = json.dumps(dict(report.emptied), sort_keys=True)
    record_run(engine, JOB, max(day, last) if last else day, now, summary)
    return SweepSummary(ran=True, day=day, emptied=dict(report.emptied))


def daily_tick(
    engine: Engine, sealer_or_keys: Sealer | Keyring | None = None
) -> Callable[[datetime], SweepSummary]:
    """A worker tick hook (``Worker(tick=[…, daily_tick(engine)])``) calling :func:`run_daily`."""

    def tick(now: datetime) -> SweepSummary:
        return run_daily(engine, sealer_or_keys, now)

    return tick


def _map_of(sealer_or_keys: Sealer | Keyring | None) -> DataMap:
    return sealer_or_keys.data_map if isinstance(sealer_or_keys, Sealer) else DATA_MAP


@dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    """Values brought under the data map's sealing before a rotation."""

    quarantine_rebound: int
    invoices_sealed: int


def prepare_rotation(engine: Engine, sealer: Sealer) -> Prepared:
    """Seal what rotation could not open: quarantined payloads sealed before they were bound to
    their row id, and invoice XML still in clear from before ``0010_sealed_invoice_xml``."""
    rebound = rebind_quarantined(OrderUnitOfWork(engine), PrivacySealer(sealer))
    with InvoiceUnitOfWork(engine, sealer) as uow:
        sealed = uow.invoices.seal_plain()
        uow.commit()
    return Prepared(quarantine_rebound=rebound, invoices_sealed=sealed)
