"""Compliance in ``omnistock worker``: the daily check tick and the optional push guard.

:func:`worker_compliance` takes the engine settings and tick hooks built so far and returns
them with the ``[compliance]`` table applied:

- ``daily`` (default true) adds :class:`~omnistock.compliance.daily_job.ComplianceDaily` when
  there is something to check (``listings`` files, or Allegro accounts with ``from_channels``);
- ``block_push`` (default false) chains :class:`ComplianceGuard` after the safety guard: a push
  that would keep or put on sale (quantity > 0) an offer which, in the newest stored daily run,
  breaks an error-severity rule in force is not sent: the listing shows state ``error`` with the
  rules and what to fix as its message, and stays dirty, so the guard asks again on every pass
  and the push goes once a daily run finds the offer fixed (no manual release). Pushes to 0
  (ending the offer) always go.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from omnistock.compliance.allegro_reader import AllegroOfferReader
from omnistock.compliance.config import ComplianceConfig
from omnistock.compliance.daily_job import (
    SOURCE,
    ComplianceDaily,
    ListingSource,
    allegro_source,
    file_source,
)
from omnistock.compliance.service import select_packs
from omnistock.store.compliance_repository import blocking_offers
from omnistock.sync.dispatcher import Guard, Hold, SyncConfig
from omnistock.sync.planner import ListingChange

if TYPE_CHECKING:
    from omnistock.bootstrap import App
    from omnistock.channels.configured import ChannelAccount

__all__ = ["ComplianceGuard", "Tick", "chain_guards", "daily_sources", "worker_compliance"]

Tick = Callable[[datetime], object]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceGuard:
    """The dispatcher's guard seam: stops pushes of offers breaking an error rule in force.

    ``kinds`` maps a channel account name to its pack channel (``allegro-2`` → ``allegro``).
    """

    engine: Engine
    kinds: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __call__(self, channel: str, changes: Sequence[ListingChange], now: datetime) -> list[Hold]:
        selling = [c for c in changes if c.desired > 0]
        if not selling:
            return []
        kind = self.kinds.get(channel, channel)
        blocked = blocking_offers(self.engine, kind, now.date(), source=SOURCE)
        return [
            Hold(
                offer_id=c.offer_id,
                reason=f"compliance: breaks an error rule in force: {blocked[c.offer_id]}",
                error=True,  # no failed quantity: asked again next pass, goes once fixed
            )
            for c in selling
            if c.offer_id in blocked
        ]


def chain_guards(first: Guard | None, second: Guard) -> Guard:
    """Ask ``first``, then ``second`` about the changes ``first`` let through."""

    def guard(channel: str, changes: Sequence[ListingChange], now: datetime) -> Sequence[Hold]:
        held = list(first(channel, changes, now)) if first is not None else []
        taken = {h.offer_id for h in held}
        rest = [c for c in changes if c.offer_id not in taken]
        return [*held, *(second(channel, rest, now) if rest else [])]

    return guard


def _allegro_reader(adapter: Any) -> Callable[[], AllegroOfferReader]:
    """A reader on the account's API with a fresh access token (refreshed if needed)."""
    return lambda: AllegroOfferReader(
        adapter.config.api_url, adapter.tokens.access_token(), settings=adapter.config.http
    )


def daily_sources(
    config: ComplianceConfig, accounts: Mapping[str, ChannelAccount]
) -> dict[str, ListingSource]:
    """The listing files, and (``from_channels``) every configured Allegro account."""
    sources = {str(path): file_source(path) for path in config.listings}
    if config.from_channels:
        for name, account in sorted(accounts.items()):
            if account.kind == "allegro":
                sources[f"allegro account {name}"] = allegro_source(
                    _allegro_reader(account.adapter)
                )
    return sources


def worker_compliance(
    app: App,
    accounts: Mapping[str, ChannelAccount],
    config: SyncConfig,
    tick: Sequence[Tick],
) -> tuple[SyncConfig, list[Tick]]:
    """``config`` and ``tick`` with the daily check and (if configured) the push guard."""
    base = app.settings.config_file.parent if app.settings.config_file else Path.cwd()
    settings = ComplianceConfig.from_section(app.settings.section("compliance"), base)
    ticks = list(tick)
    if settings.daily:
        sources = daily_sources(settings, accounts)
        if sources:
            packs = select_packs(None, settings.packs, shipped=settings.shipped)
            ticks.append(
                ComplianceDaily(
                    engine=app.engine,
                    packs=packs,
                    sources=sources,
                    upcoming_days=settings.upcoming_days,
                )
            )
    if settings.block_push:
        kinds = {name: account.kind for name, account in accounts.items()}
        guard = ComplianceGuard(engine=app.engine, kinds=kinds)
        config = dataclasses.replace(config, guard=chain_guards(config.guard, guard))
    return config, ticks
