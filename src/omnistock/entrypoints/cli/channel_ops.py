"""``omnistock channel auth NAME`` and ``channel test NAME``: connect and check a channel account.

Both read ``[channels.NAME]`` of the configuration. ``auth`` runs Allegro's device flow: it shows
the code and the URL, polls until the seller agrees and stores the token pair in the database
(sealed when privacy keys are configured; ``token_file`` keeps a JSON file instead). ``test``
makes one harmless read (the quantity of one linked offer, or none) and reports whether auth
worked, the documented limits and the latency. The commands join ``channel add|list`` (owned by
``catalog.py``) on the same ``channel`` group.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from omnistock.bootstrap import App, channel_accounts, token_cipher
from omnistock.channels.allegro import DeviceFlow, FileTokenStore
from omnistock.channels.allegro.device import DeviceCode
from omnistock.channels.allegro.tokens import TokenStore, auth_http
from omnistock.channels.configured import OWN_KEYS
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.catalog import channel_app
from omnistock.entrypoints.cli.context import open_app
from omnistock.service.channel_probe import probe_channel, sample_offers
from omnistock.store.channel_token_repository import DbTokenStore

__all__ = ["register"]

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
Name = Annotated[str, typer.Argument(help="Channel account, a [channels.NAME] table.")]


def register(app: typer.Typer) -> None:
    """Attach ``auth`` and ``test`` to the ``channel`` group of ``catalog.py``."""
    channel_app.command("auth")(channel_auth)
    channel_app.command("test")(channel_test)


def _table(app: App, name: str) -> dict[str, Any]:
    table = app.settings.section("channels").get(name)
    if not table:
        raise InvalidValue(f"no [channels.{name}] in the configuration", field="channel")
    return dict(table)


def _store(app: App, name: str, table: dict[str, Any]) -> TokenStore:
    if "token_file" in table:
        return FileTokenStore(Path(str(table["token_file"])))
    return DbTokenStore(app.engine, name, cipher=token_cipher(app, os.environ))


def _show(code: DeviceCode) -> None:
    render.note(f"Open {code.verification_uri} and enter the code {code.user_code}")
    render.note(f"(or open {code.verification_uri_complete}); waiting for your consent…")


def channel_auth(ctx: typer.Context, name: Name) -> None:
    """Authorise omnistock on an Allegro account (device flow) and store its tokens."""
    from omnistock.channels.allegro import AllegroConfig
    from omnistock.channels.http import config_from_mapping

    with open_app(ctx) as app:
        accounts = channel_accounts(app, os.environ)
        account = accounts.get(name)
        for other in accounts.values():
            other.close()
        if account is None or account.kind != "allegro":
            raise InvalidValue(f"{name!r} is not an Allegro account", field="channel")
        table = _table(app, name)
        fields = {k: v for k, v in table.items() if k not in OWN_KEYS}
        fields.setdefault("name", name)
        config = config_from_mapping(AllegroConfig, fields, os.environ, f"channels.{name}")
        store = _store(app, name, table)
        http = auth_http(name, config.auth_url)
        try:
            flow = DeviceFlow(
                http=http,
                client_id=config.client_id,
                client_secret=config.client_secret,
                store=store,
            )
            code = flow.start()
            _show(code)
            pair = flow.poll(code)
        finally:
            http.close()
    sealed = getattr(store, "sealed", False)
    where = "the database" + (" (sealed)" if sealed else " (not sealed: no privacy keys)")
    where = where if isinstance(store, DbTokenStore) else str(table["token_file"])
    render.note(f"{name}: tokens stored in {where}; valid until {pair.expires_at.isoformat()}")


def channel_test(ctx: typer.Context, name: Name, as_json: JsonFlag = False) -> None:
    """One harmless read call: reports whether auth works, the limits and the latency."""
    with open_app(ctx) as app:
        accounts = channel_accounts(app, os.environ)
        if name not in accounts:
            raise InvalidValue(f"no [channels.{name}] in the configuration", field="channel")
        offers = sample_offers(app.uow(), ChannelId(name))
        try:
            found = probe_channel(name, accounts[name].kind, accounts[name].adapter, offers)
        finally:
            for account in accounts.values():
                account.close()
    report = found.to_dict()
    if as_json:
        render.emit_json(report)
    else:
        status = "ok" if report["auth_ok"] else f"FAILED ({report['error']})"
        render.note(f"{name} ({report['kind']}): {status}, {report['latency_ms']} ms")
        render.note(f"limits: {report['limits']}")
    if not report["auth_ok"]:
        raise typer.Exit(1)
