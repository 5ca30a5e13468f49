"""``/api/v1/compliance``: the stored results of the newest check run, an on-demand check of
listing content against the shipped rule packs, the packs and the rules coming into force.

``GET /compliance`` reads what the worker's daily run (or ``omnistock compliance check --store``)
stored: per offer and rule, the violations of rules in force and of rules coming into force
(offer ids, rule ids and messages; no personal data: viewers may read it).
``POST /compliance/check`` checks the listings sent in the body (omnistock's JSON listing shape,
as ``omnistock compliance check --file``) and stores nothing; like every POST it needs the
operator role.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from omnistock.compliance.listings import listing_from_mapping
from omnistock.compliance.results import latest_compliance_results
from omnistock.compliance.service import pack_summary, report_dict, select_packs
from omnistock.domain.compliance import Lang, ListingContent, check
from omnistock.domain.errors import InvalidValue
from omnistock.entrypoints.api.auth import Operator, Viewer
from omnistock.entrypoints.api.routes.models import Strict
from omnistock.entrypoints.api.state import api_state

__all__ = ["router"]

router = APIRouter(prefix="/compliance", tags=["compliance"])
Channel = Annotated[str | None, Query(max_length=100, description="Only this channel's packs.")]
Source = Annotated[
    str | None, Query(max_length=50, description="Only runs of this source (worker, cli).")
]
NO_RUN: dict[str, Any] = {"run": None, "violations": [], "upcoming": []}


@router.get("")
def results(
    request: Request,
    _who: Viewer,
    channel: Channel = None,
    lang: Lang = Lang.PL,
    source: Source = None,
) -> dict[str, Any]:
    """The newest stored run: ``as_of``, ``ran_at``, ``source``, pack versions, ``checked``,
    ``violations`` (rules in force) and ``upcoming`` (rules coming into force), each
    ``{offer, channel, pack, rule, severity, effective_from, message, source}``; before the
    first run ``{"run": null, "violations": [], "upcoming": []}``."""
    engine = api_state(request).app.engine
    found = latest_compliance_results(engine, channel=channel, lang=lang, source=source)
    return dict(NO_RUN) if found is None else found


class CheckIn(Strict):
    listings: list[dict[str, Any]] = Field(max_length=10_000, description="Listing contents.")
    channel: str | None = Field(default=None, max_length=100, description="Only its packs.")
    as_of: date | None = Field(default=None, description="Day to check for (default: today).")
    upcoming_days: int = Field(default=30, ge=0, le=3650)
    lang: Lang = Lang.PL


@router.post("/check")
def check_content(request: Request, body: CheckIn, _who: Operator) -> dict[str, Any]:
    """Violations now and of rules starting within ``upcoming_days`` (nothing is stored)."""
    listings = [_listing(i, raw) for i, raw in enumerate(body.listings)]
    as_of = body.as_of or api_state(request).app.clock.now().date()
    report = check(listings, select_packs(body.channel), as_of, body.upcoming_days)
    return report_dict(report, body.lang)


def _listing(index: int, raw: dict[str, Any]) -> ListingContent:
    try:
        return listing_from_mapping(raw)
    except InvalidValue as exc:
        raise InvalidValue(exc.message, field=f"listings[{index}].{exc.field}") from None


@router.get("/packs")
def packs(_who: Viewer, channel: Channel = None, lang: Lang = Lang.PL) -> list[dict[str, Any]]:
    """The shipped rule packs with their rules."""
    return [pack_summary(pack, lang) for pack in select_packs(channel)]


@router.get("/upcoming")
def upcoming(
    request: Request,
    _who: Viewer,
    channel: Channel = None,
    days: Annotated[int, Query(ge=0, le=3650)] = 90,
    lang: Lang = Lang.PL,
) -> list[dict[str, Any]]:
    """Rules of the shipped packs that come into force after today, within ``days``."""
    today = api_state(request).app.clock.now().date()
    return upcoming_rules(today, days, channel, lang)


def upcoming_rules(
    today: date, days: int, channel: str | None = None, lang: Lang = Lang.PL
) -> list[dict[str, Any]]:
    """Rules starting in ``(today, today + days]``, soonest first (also for the dashboard)."""
    until = today + timedelta(days=days)
    found = [
        {"channel": pack.channel, "pack": pack.name} | rule
        for pack in select_packs(channel)
        for rule in pack_summary(pack, lang)["rules"]
        if today < date.fromisoformat(rule["effective_from"]) <= until
    ]
    return sorted(found, key=lambda r: (r["effective_from"], r["channel"], r["id"]))
