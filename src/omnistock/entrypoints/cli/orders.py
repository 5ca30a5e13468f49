"""``omnistock orders list|show|import|watch``: imported orders.

Personal data is shown only by ``orders show ID --with-personal`` (it needs the privacy keys:
``OMNISTOCK_PRIVACY_KEYS`` + ``OMNISTOCK_PRIVACY_HASH_KEY`` or a key file). ``orders import``
reads the channel account from ``[channels.NAME]`` of ``omnistock.toml`` exactly as the
worker does (``kind``/``type`` = ``allegro`` | ``woocommerce`` | ``amazon``, else the kind
``channel add`` registered): Allegro's tokens come from the database, where ``omnistock channel
auth NAME`` stored them (sealed with the privacy keys), unless the table names a ``token_file``.
Whether the buyer's contacts are kept is ``[privacy]``
``keep_order_email`` / ``keep_order_phone`` (default: neither).
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from omnistock.bootstrap import App, channel_accounts, order_polling
from omnistock.channels.configured import ChannelAccount
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import open_app
from omnistock.privacy.sealing import Sealer
from omnistock.service.order_polling import OrderPolling
from omnistock.service.order_ports import OrderFeed
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.orders import import_channel, list_orders, show_order
from omnistock.store.order_repository import OrderUnitOfWork

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
orders_app = typer.Typer(help="Imported orders: list, show, import.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(orders_app, name="orders")
    from omnistock.entrypoints.cli.sync import PASS_THROUGH, bench_app  # the ``bench`` group

    bench_app.command("oversell", context_settings=PASS_THROUGH)(bench_oversell)


def bench_oversell(ctx: typer.Context) -> None:
    """The oversell simulation (``benchmarks/oversell_bench.py``); options are passed through."""
    try:
        module = importlib.import_module("benchmarks.oversell_bench")
    except ImportError:
        render.error("benchmarks/ not found: run from the omnistock source checkout")
        raise typer.Exit(2) from None
    raise typer.Exit(int(module.main(list(ctx.args)) or 0))


def _sealer(app: App) -> PrivacySealer:
    key_file = app.settings.section("privacy").get("key_file")
    return PrivacySealer(Sealer.from_env(os.environ, key_file=key_file))


def _contacts(app: App) -> ContactPolicy:
    section = app.settings.section("privacy")
    return ContactPolicy(
        keep_email=bool(section.get("keep_order_email", False)),
        keep_phone=bool(section.get("keep_order_phone", False)),
    )


@orders_app.command("list")
def orders_list(
    ctx: typer.Context,
    channel: Annotated[str | None, typer.Option("--channel", help="Only this account.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Imported orders (ids, status, flags; never personal data)."""
    with open_app(ctx) as app:
        found = list_orders(OrderUnitOfWork(app.engine), ChannelId(channel) if channel else None)
    if as_json:
        render.emit_json(found)
        return
    rows = [
        (o["id"], o["channel"], o["external_id"], o["status"], _flags(o), len(o["lines"]))
        for o in found
    ]
    render.show(
        render.table("orders", ["id", "channel", "external id", "status", "flags", "#lines"], rows)
    )


def _flags(order: Mapping[str, Any]) -> str:
    return ",".join(f for f in ("unlinked", "merged") if order[f]) or "-"


@orders_app.command("show")
def orders_show(
    ctx: typer.Context,
    order_id: Annotated[int, typer.Argument(metavar="ID", help="Order id (from orders list).")],
    with_personal: Annotated[
        bool, typer.Option("--with-personal", help="Decrypt the buyer's data (needs the keys).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """One order; the buyer's personal data only with --with-personal."""
    with open_app(ctx) as app:
        sealer = _sealer(app) if with_personal else None
        view = show_order(OrderUnitOfWork(app.engine), order_id, sealer=sealer)
    if as_json:
        render.emit_json(view)
        return
    rows = [(k, v) for k, v in view.items() if k not in ("lines", "personal")]
    render.show(render.table(f"order {order_id}", ["field", "value"], rows))
    lines = [
        (ln["line_id"], ln["offer_id"], ln["sku"] or "(unlinked)", ln["quantity"])
        for ln in view["lines"]
    ]
    render.show(render.table("lines", ["line", "offer", "sku", "qty"], lines))
    if "personal" in view:
        render.show(render.table("buyer", ["field", "value"], list(view["personal"].items())))


@orders_app.command("import")
def orders_import(
    ctx: typer.Context,
    channel: Annotated[str, typer.Option("--channel", help="Channel account ([channels.NAME]).")],
    since: Annotated[
        str | None, typer.Option("--since", metavar="TIME", help="ISO time to re-read from.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import the channel's new and changed orders (from the stored cursor, or --since)."""
    moment = _time(since) if since else None
    with open_app(ctx, migrate=True) as app, _feed(app, channel) as feed:
        summary = import_channel(
            lambda: OrderUnitOfWork(app.engine),
            feed,
            sealer=_sealer(app),
            contacts=_contacts(app),
            clock=app.clock,
            since=moment,
        )
    if as_json:
        render.emit_json(summary.to_dict())
        return
    render.note(
        f"{channel}: {summary.seen} order(s) seen, {summary.created} new, {summary.changed} "
        f"changed, {summary.quarantined} quarantined, {summary.unlinked} with unlinked offers"
    )


@orders_app.command("watch")
def orders_watch(
    ctx: typer.Context,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between rounds.")] = 30.0,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
) -> None:
    """Import the orders of every order-taking channel account, round after round.

    Each account is imported when its own interval is due (``order_poll_s``; Amazon within its
    searchOrders plan, at once when a listing shows a sale not imported yet), exactly as the
    worker does. A channel that fails (down, rate-limited) is reported and retried later; its
    cursor has not moved, so nothing is lost.
    """
    with open_app(ctx, migrate=True) as app, _accounts(app) as accounts:
        polling = order_polling(app, accounts, os.environ)
        if polling is None:
            render.note("no order-taking channel account in [channels]: nothing to watch")
        while polling is not None:
            _watch_round(polling, app.clock.now())
            if once:
                return
            time.sleep(interval)


def _watch_round(polling: OrderPolling, now: datetime) -> None:
    before = dict(polling.next_at)
    polling(now)
    for name, last in sorted(polling.last.items()):
        if polling.next_at.get(name) == before.get(name):
            continue  # not polled this round
        if isinstance(last, str):
            render.error(f"{name}: {last} (retried later)")
        else:
            render.note(f"{name}: {last.seen} seen, {last.created} new, {last.changed} changed")


def _time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(f"not an ISO time: {text!r}", field="since") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@contextmanager
def _feed(app: App, name: str) -> Iterator[OrderFeed]:
    """The order feed of ``[channels.NAME]``, built like the worker's (``channel_accounts``):
    Allegro tokens from the database store ``channel auth`` wrote (or ``token_file``)."""
    with _accounts(app) as accounts:
        account = accounts.get(name)
        if account is None:
            raise InvalidValue(f"no [channels.{name}] in the configuration", field="channel")
        if account.feed is None:
            raise InvalidValue(
                f"{account.kind!r} has no orders to import", field=f"channels.{name}.type"
            )
        yield account.feed


@contextmanager
def _accounts(app: App) -> Iterator[dict[str, ChannelAccount]]:
    accounts = channel_accounts(app, os.environ)
    try:
        yield accounts
    finally:
        for account in accounts.values():
            account.close()
