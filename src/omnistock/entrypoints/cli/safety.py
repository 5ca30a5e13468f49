"""``omnistock holds|pause|resume|incidents|notify …``: the safety guard and alerts.

Also :func:`worker_parts`, which the sync worker uses to wire the guard, the re-read, the pause
switch and the per-tick alerts into its engine.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer

from omnistock.bootstrap import App
from omnistock.domain.errors import InvalidValue
from omnistock.domain.incidents import Incident, Via
from omnistock.domain.safety import Hold
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import open_app
from omnistock.notify import NotifyConfig, build_senders
from omnistock.service import holds as holds_service
from omnistock.service import incidents as incidents_service
from omnistock.service import pause as pause_service
from omnistock.service.incidents import WatchSettings
from omnistock.service.notifications import AlertsTick, send_test, tick_notifier, watch
from omnistock.sync.dispatcher import SyncConfig

__all__ = ["feed_gate", "register", "worker_parts"]

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who decides (default: the logged-in user).")
]
holds_app = typer.Typer(help="Changes the safety guard held back.", no_args_is_help=True)
incidents_app = typer.Typer(help="Incidents: list, acknowledge, resolve.", no_args_is_help=True)
notify_app = typer.Typer(help="Alert senders.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(holds_app, name="holds")
    app.add_typer(incidents_app, name="incidents")
    app.add_typer(notify_app, name="notify")
    app.command("pause")(pause)
    app.command("resume")(resume)


# -- wiring for the worker and the importer -----------------------------------------------------
def watch_settings(section: Mapping[str, Any]) -> WatchSettings:
    def minutes(key: str, default: float) -> timedelta:
        value = section.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise InvalidValue("must be a positive number", field=f"safety.{key}")
        return timedelta(minutes=value)

    hours = section.get("source_max_age_hours")
    return WatchSettings(
        breaker_after=minutes("breaker_after_minutes", 15),
        heartbeat_after=minutes("heartbeat_after_minutes", 5),
        source_max_age=None if hours is None else minutes("source_max_age_hours", 0) * 60,
    )


def worker_parts(
    app: App, holder: str, base: SyncConfig
) -> tuple[SyncConfig, list[Callable[[datetime], object]]]:
    """The engine settings with the guard wired in, and the worker's per-tick alerts step."""
    section = app.settings.section("safety")
    parts = holds_service.safety_parts(app.engine, section, clock=app.clock.now)
    config = NotifyConfig.from_section(app.settings.section("notify"), os.environ)
    senders = build_senders(config)
    tick = AlertsTick(
        sync=parts.sync,
        safety=parts.safety,
        incidents=parts.incidents,
        holder=holder,
        policy=config.policy,
        notifier=tick_notifier(senders) if senders else None,
        settings=watch_settings(section),
    )
    wired = replace(
        base,
        guard=parts.guard,
        reread=parts.reread,
        paused=parts.paused,
        read_check=parts.read_check,
    )
    return wired, [tick]


def feed_gate(app: App) -> holds_service.FeedGate:
    """The stock import's source checks (pass as ``import_stock(..., gate=feed_gate(app))``)."""
    return holds_service.safety_parts(app.engine, app.settings.section("safety")).gate


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


# -- holds ---------------------------------------------------------------------------------------
def _hold_dict(hold: Hold, *, items: bool) -> dict[str, object]:
    data: dict[str, object] = {
        "id": hold.id,
        "channel": hold.channel,
        "channels": list(hold.channels),
        "scope": str(hold.scope),
        "reason": str(hold.reason),
        "status": str(hold.status),
        "message": hold.message,
        "cause": hold.cause,
        "count": len(hold.items),
        "created_at": hold.created_at.isoformat(),
        "decided_by": hold.decided_by,
        "decided_at": hold.decided_at.isoformat() if hold.decided_at else None,
        "note": hold.note,
    }
    if items:
        data["items"] = [
            {
                "channel": h.change.channel,
                "offer_id": h.change.offer_id,
                "sku": h.change.sku,
                "previous": h.change.previous,
                "quantity": h.change.quantity,
            }
            for h in hold.items
        ]
    return data


@holds_app.command("list")
def holds_list(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Also decided holds.")] = False,
    json: JsonFlag = False,
) -> None:
    """Holds waiting for a decision (``--all``: every hold)."""
    with open_app(ctx) as app:
        found = holds_service.list_holds(
            holds_service.safety_parts(app.engine, {}).safety, pending_only=not every
        )
    if json:
        render.emit_json([_hold_dict(h, items=False) for h in found])
        return
    columns = ["id", "channels", "scope", "status", "#items", "message"]
    rows = [
        (h.id, ",".join(h.channels) or h.channel, h.scope, h.status, len(h.items), h.message)
        for h in found
    ]
    render.show(render.table("holds", columns, rows))


@holds_app.command("show")
def holds_show(ctx: typer.Context, hold_id: str, json: JsonFlag = False) -> None:
    """One hold with its held changes and its decision trail."""
    with open_app(ctx) as app:
        parts = holds_service.safety_parts(app.engine, {})
        data = _hold_dict(parts.safety.hold(hold_id), items=True)
        data["audit"] = [
            {"action": e["action"], "actor": e["actor"], "at": e["at"].isoformat()}
            for e in parts.incidents.events("hold", hold_id)
        ]
    if json:
        render.emit_json(data)
        return
    items = data.pop("items")
    render.note("\n".join(f"{k}: {v}" for k, v in data.items() if k != "audit"))
    assert isinstance(items, list)
    rows = [(i["channel"], i["offer_id"], i["sku"], i["previous"], i["quantity"]) for i in items]
    columns = ["channel", "offer", "sku", "#previous", "#proposed"]
    render.show(render.table("held changes", columns, rows))


def _decide(ctx: typer.Context, hold_id: str, by: str | None, note: str, approve: bool) -> None:
    with open_app(ctx) as app:
        parts = holds_service.safety_parts(app.engine, app.settings.section("safety"))
        decide = holds_service.approve_hold if approve else holds_service.reject_hold
        hold = decide(
            parts.safety,
            parts.sync,
            parts.incidents,
            hold_id,
            by=_who(by),
            now=app.clock.now(),
            note=note,
        )
    on = ", ".join(hold.channels) or hold.channel
    render.note(
        f"hold {hold.id}: {hold.status} by {hold.decided_by} ({len(hold.items)} changes on {on})"
    )


@holds_app.command("approve")
def holds_approve(
    ctx: typer.Context,
    hold_id: str,
    by: ByOption = None,
    note: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Send the held values through the normal path, on every channel account the hold covers."""
    _decide(ctx, hold_id, by, note, approve=True)


@holds_app.command("reject")
def holds_reject(
    ctx: typer.Context,
    hold_id: str,
    by: ByOption = None,
    note: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Keep the last good state on every account the hold covers (desired = last told)."""
    _decide(ctx, hold_id, by, note, approve=False)


# -- pause switch ----------------------------------------------------------------------------------
ChannelOption = Annotated[str | None, typer.Option("--channel", help="One channel account.")]
AllOption = Annotated[bool, typer.Option("--all", help="Every channel account.")]


def pause(
    ctx: typer.Context, channel: ChannelOption = None, every: AllOption = False, by: ByOption = None
) -> None:
    """Emergency stop: send nothing to a channel (or to all); nothing is lost."""
    with open_app(ctx) as app:
        safety = holds_service.safety_parts(app.engine, {}).safety
        target = pause_service.pause(safety, channel, every=every, by=_who(by), now=app.clock.now())
    render.note(f"paused {'every channel' if target == pause_service.ALL_CHANNELS else target}")


def resume(
    ctx: typer.Context, channel: ChannelOption = None, every: AllOption = False, by: ByOption = None
) -> None:
    """Send again after a pause."""
    with open_app(ctx) as app:
        safety = holds_service.safety_parts(app.engine, {}).safety
        lifted = pause_service.resume(
            safety, channel, every=every, by=_who(by), now=app.clock.now()
        )
    render.note(f"resumed {', '.join(lifted) if lifted else 'nothing (no pause)'}")


# -- incidents -------------------------------------------------------------------------------------
def _incident_dict(incident: Incident) -> dict[str, object]:
    return {
        "id": incident.id,
        "kind": str(incident.kind),
        "severity": str(incident.severity),
        "channel": incident.channel,
        "subject": incident.subject,
        "detail": incident.detail,
        "count": incident.count,
        "state": str(incident.state),
        "first_seen": incident.first_seen.isoformat(),
        "last_seen": incident.last_seen.isoformat(),
        "acknowledged_by": incident.acknowledged_by,
        "resolved_by": incident.resolved_by,
    }


@incidents_app.command("list")
def incidents_list(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Also resolved incidents.")] = False,
    json: JsonFlag = False,
) -> None:
    """Open and acknowledged incidents (``--all``: resolved too)."""
    with open_app(ctx) as app:
        store = holds_service.safety_parts(app.engine, {}).incidents
        found = incidents_service.list_incidents(store, include_resolved=every)
    if json:
        render.emit_json([_incident_dict(i) for i in found])
        return
    columns = ["id", "severity", "state", "#count", "detail"]
    rows = [(i.id, i.severity, i.state, i.count, i.detail) for i in found]
    render.show(render.table("incidents", columns, rows))


@incidents_app.command("ack")
def incidents_ack(ctx: typer.Context, incident_id: str, by: ByOption = None) -> None:
    """Acknowledge: someone is on it (escalation stops)."""
    with open_app(ctx) as app:
        store = holds_service.safety_parts(app.engine, {}).incidents
        done = incidents_service.acknowledge_incident(
            store, incident_id, by=_who(by), now=app.clock.now()
        )
    render.note(f"incident {done.id}: {done.state}")


@incidents_app.command("resolve")
def incidents_resolve(ctx: typer.Context, incident_id: str, by: ByOption = None) -> None:
    """Resolve: the problem cleared (a "resolved" message goes out on the next tick)."""
    with open_app(ctx) as app:
        store = holds_service.safety_parts(app.engine, {}).incidents
        done = incidents_service.resolve_incident(
            store, incident_id, by=_who(by), now=app.clock.now()
        )
    render.note(f"incident {done.id}: {done.state}")


@incidents_app.command("check")
def incidents_check(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Look now: dead items, long-open breakers, missing worker heartbeats, stale sources."""
    with open_app(ctx) as app:
        section = app.settings.section("safety")
        parts = holds_service.safety_parts(app.engine, section)
        found = watch(
            parts.sync,
            parts.safety,
            parts.incidents,
            now=app.clock.now(),
            settings=watch_settings(section),
        )
    if json:
        render.emit_json([{"kind": str(o.kind), "subject": o.subject} for o in found])
        return
    render.note(f"{len(found)} problems recorded")


# -- notify ----------------------------------------------------------------------------------------
@notify_app.command("test")
def notify_test(
    ctx: typer.Context,
    via: Annotated[Via, typer.Option("--via", help="Which sender to try.")],
) -> None:
    """Send a test message through one configured sender; a failure exits with 1."""
    with open_app(ctx) as app:
        config = NotifyConfig.from_section(app.settings.section("notify"), os.environ)
        if via not in build_senders(config):
            raise InvalidValue(f"no {via} sender configured in [notify]", field="via")
        record = send_test(config, via, app.clock.now())
    last = record.results[-1]
    if last.ok and not last.rejected:
        render.note(f"test message sent via {via}")
        return
    render.error(f"test message via {via} failed: {last.status} {last.detail}")
    raise typer.Exit(1)
