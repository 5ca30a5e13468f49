"""Channel accounts built from the ``[channels.NAME]`` tables of the configuration.

Each table names its kind with ``kind`` (or ``type``, as ``orders import`` reads it); without
either, the kind registered for ``NAME`` in the database (``omnistock channel add``) is used,
then ``NAME`` itself. The remaining keys are the adapter's config fields (base URLs,
credentials; ``"env:VAR"`` values come from the environment), plus omnistock's own keys:

* ``token_file`` (Allegro) — keep the token pair in this JSON file instead of the database
  (``channel_tokens``, the default when the composition root passes ``token_store``);
* ``order_poll_s`` — seconds between order imports by the worker (see ``DEFAULT_POLL_S``).

Adapters are created without I/O; the first request opens the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omnistock.channels.allegro.tokens import TokenStore
from omnistock.channels.base import ChannelAdapter
from omnistock.channels.http import config_from_mapping
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelKind
from omnistock.service.order_ports import OrderFeed

__all__ = [
    "DEFAULT_POLL_S",
    "ORDER_KINDS",
    "OWN_KEYS",
    "ChannelAccount",
    "TokenStoreFactory",
    "configured_accounts",
]

DEFAULT_POLL_S: Mapping[str, float] = {
    ChannelKind.ALLEGRO: 30.0,
    ChannelKind.WOOCOMMERCE: 60.0,
    # searchOrders: ~1 request / 3 min after a burst of 20 (reference/channels.md)
    ChannelKind.AMAZON: 180.0,
}
"""Safe default seconds between order imports per kind (``order_poll_s`` overrides)."""

ORDER_KINDS = frozenset(DEFAULT_POLL_S)
OWN_KEYS = ("kind", "type", "token_file", "order_poll_s", "webhook_secret")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelAccount:
    """One configured channel account: its adapter and, for order-taking kinds, its feed."""

    name: str
    kind: str
    adapter: ChannelAdapter
    feed: OrderFeed | None
    poll_s: float | None

    def close(self) -> None:
        close: Callable[[], None] = getattr(self.adapter, "close", lambda: None)
        close()


def configured_accounts(
    section: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    db_kinds: Mapping[str, str] | None = None,
    token_store: TokenStoreFactory | None = None,
) -> dict[str, ChannelAccount]:
    """Every ``[channels.NAME]`` table as a :class:`ChannelAccount` (bad tables raise)."""
    accounts: dict[str, ChannelAccount] = {}
    for name, table in sorted(section.items()):
        if not isinstance(table, Mapping):
            raise InvalidValue("must be a table", field=f"channels.{name}")
        kind = str(table.get("kind") or table.get("type") or (db_kinds or {}).get(name) or name)
        accounts[name] = _account(name, kind, table, _Context(environ, token_store))
    return accounts


def _account(name: str, kind: str, table: Mapping[str, Any], context: _Context) -> ChannelAccount:
    where = f"channels.{name}"
    build = _BUILDERS.get(kind)
    if build is None:
        known = ", ".join(sorted(_BUILDERS))
        raise InvalidValue(f"unknown channel kind {kind!r} (known: {known})", field=where)
    fields = {k: v for k, v in table.items() if k not in OWN_KEYS}
    fields.setdefault("name", name)
    adapter, feed = build(fields, table, context, where)
    poll = table.get("order_poll_s", DEFAULT_POLL_S.get(kind))
    if poll is not None and (not isinstance(poll, int | float) or poll <= 0):
        raise InvalidValue("must be a positive number", field=f"{where}.order_poll_s")
    return ChannelAccount(
        name=name,
        kind=kind,
        adapter=adapter,
        feed=feed,
        poll_s=None if feed is None or poll is None else float(poll),
    )


Built = tuple[ChannelAdapter, OrderFeed | None]
TokenStoreFactory = Callable[[str], TokenStore]
"""Channel account name → its Allegro ``TokenStore`` (the database one, from bootstrap)."""


@dataclass(frozen=True, slots=True)
class _Context:
    environ: Mapping[str, str]
    token_store: TokenStoreFactory | None


def _allegro(
    fields: dict[str, Any], table: Mapping[str, Any], context: _Context, where: str
) -> Built:
    from omnistock.channels.allegro import AllegroAdapter, AllegroConfig, FileTokenStore
    from omnistock.channels.allegro.order_details import AllegroOrderFeed

    store: TokenStore
    if "token_file" in table or context.token_store is None:
        store = FileTokenStore(Path(str(table.get("token_file", f"{fields['name']}-tokens.json"))))
    else:
        store = context.token_store(str(fields["name"]))
    config = config_from_mapping(AllegroConfig, fields, context.environ, where)
    adapter = AllegroAdapter(config, store)
    return adapter, AllegroOrderFeed(adapter.api)


def _woo(fields: dict[str, Any], table: Mapping[str, Any], context: _Context, where: str) -> Built:
    from omnistock.channels.woocommerce import WooAdapter, WooConfig
    from omnistock.channels.woocommerce.order_details import WooOrderFeed

    adapter = WooAdapter(config_from_mapping(WooConfig, fields, context.environ, where))
    return adapter, WooOrderFeed(adapter.http)


def _amazon(
    fields: dict[str, Any], table: Mapping[str, Any], context: _Context, where: str
) -> Built:
    from omnistock.channels.amazon import AmazonAdapter, AmazonConfig
    from omnistock.channels.amazon.order_details import AmazonOrderFeed

    config = config_from_mapping(AmazonConfig, fields, context.environ, where)
    adapter = AmazonAdapter(config)
    feed = AmazonOrderFeed(adapter.api, config.marketplace_id, probe=adapter.read_quantities)
    return adapter, feed


def _meta(fields: dict[str, Any], table: Mapping[str, Any], context: _Context, where: str) -> Built:
    from omnistock.channels.meta import MetaAdapter, MetaConfig

    return MetaAdapter(config_from_mapping(MetaConfig, fields, context.environ, where)), None


_BUILDERS: dict[str, Callable[[dict[str, Any], Mapping[str, Any], _Context, str], Built]]
_BUILDERS = {
    ChannelKind.ALLEGRO: _allegro,
    ChannelKind.WOOCOMMERCE: _woo,
    ChannelKind.AMAZON: _amazon,
    ChannelKind.META: _meta,
}
