"""One way to build the sync worker, for ``omnistock worker``, ``sync run`` and ``serve``.

Every process that pushes stock gets the same parts: the safety guard (hold, re-read, pause,
sanity), the alerts tick, order polling, the daily privacy sweep, the ``[invoicing]`` job and
the ``[compliance]`` daily check with its optional push guard. A second hand-built worker
would sooner or later push without the guard.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from omnistock.bootstrap import (
    App,
    channel_accounts,
    channel_adapters,
    invoice_job,
    order_polling,
)
from omnistock.channels.base import ChannelAdapter
from omnistock.compliance.worker import worker_compliance
from omnistock.entrypoints.cli.safety import worker_parts
from omnistock.service.privacy_jobs import daily_tick
from omnistock.store.sync_repository import SyncStore
from omnistock.sync.dispatcher import SyncConfig
from omnistock.sync.worker import Worker, default_holder

if TYPE_CHECKING:
    from omnistock.channels.configured import ChannelAccount

__all__ = ["build_worker"]


def build_worker(
    app: App,
    *,
    accounts: Mapping[str, ChannelAccount] | None = None,
    adapters: Mapping[str, ChannelAdapter] | None = None,
    lease_ttl_s: float = 60.0,
    orders: bool = False,
) -> Worker:
    """The worker with every part; ``orders`` adds order polling and the invoicing job."""
    accounts = accounts if accounts is not None else channel_accounts(app, os.environ)
    if adapters is None:
        adapters = channel_adapters(app, os.environ, accounts)
    holder = default_holder()
    config, tick = worker_parts(app, holder, SyncConfig(lease_ttl_s=lease_ttl_s))
    polling = order_polling(app, accounts, os.environ) if orders else None
    tick = [polling, *tick] if polling is not None else tick
    tick = [*tick, daily_tick(app.engine)]  # retention sweep, at most once a day
    invoicing = invoice_job(app, os.environ) if orders else None  # [invoicing]: issue + KSeF
    tick = [*tick, invoicing] if invoicing is not None else tick
    config, tick = worker_compliance(app, accounts, config, tick)  # daily rule check, push guard
    return Worker(
        store=SyncStore(app.engine),
        adapters=adapters,
        clock=app.clock,
        config=config,
        holder=holder,
        tick=tick,
    )
