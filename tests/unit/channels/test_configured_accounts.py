"""Channel accounts from ``[channels.NAME]`` tables: kinds, ``env:`` secrets, order pacing."""

from __future__ import annotations

from typing import Any

import pytest

from omnistock.channels import configured
from omnistock.channels.allegro import AllegroAdapter
from omnistock.channels.amazon import AmazonAdapter
from omnistock.channels.configured import DEFAULT_POLL_S, configured_accounts
from omnistock.channels.meta import MetaAdapter
from omnistock.channels.woocommerce import WooAdapter
from omnistock.domain.errors import InvalidValue

ENV = {"SECRET": "s3cret"}
TABLES: dict[str, dict[str, Any]] = {
    "allegro-main": {
        "kind": "allegro",
        "client_id": "id",
        "client_secret": "env:SECRET",
        "api_url": "http://127.0.0.1:1",
        "token_file": "tokens.json",
    },
    "sklep": {"base_url": "http://127.0.0.1:2", "consumer_key": "k", "consumer_secret": "s"},
    "amazon": {
        "type": "amazon",
        "client_id": "a",
        "client_secret": "b",
        "refresh_token": "env:SECRET",
        "seller_id": "S",
        "order_poll_s": 600,
    },
    "meta": {"catalog_id": "1", "access_token": "t"},
}


def _accounts() -> dict[str, configured.ChannelAccount]:
    return configured_accounts(TABLES, ENV, db_kinds={"sklep": "woocommerce"})


def test_builds_each_kind_from_toml_kind_type_database_or_name() -> None:
    accounts = _accounts()
    try:
        kinds = {name: type(a.adapter) for name, a in accounts.items()}
        assert kinds == {
            "allegro-main": AllegroAdapter,  # kind key
            "sklep": WooAdapter,  # kind from the channels table
            "amazon": AmazonAdapter,  # ``type`` key, as ``orders import`` reads it
            "meta": MetaAdapter,  # the name itself
        }
    finally:
        for account in accounts.values():
            account.close()


def test_order_taking_accounts_have_a_feed_and_a_poll_interval() -> None:
    accounts = _accounts()
    try:
        polls = {name: a.poll_s for name, a in accounts.items()}
        assert polls == {
            "allegro-main": DEFAULT_POLL_S["allegro"],
            "sklep": DEFAULT_POLL_S["woocommerce"],
            "amazon": 600.0,  # configured
            "meta": None,  # write-only: no orders
        }
        assert accounts["meta"].feed is None
        assert all(accounts[n].feed is not None for n in ("allegro-main", "sklep", "amazon"))
    finally:
        for account in accounts.values():
            account.close()


def test_amazon_default_interval_respects_search_orders_rate() -> None:
    # searchOrders: ~1 request / 3 min after a burst of 20
    assert DEFAULT_POLL_S["amazon"] >= 180


@pytest.mark.parametrize(
    ("table", "field"),
    [
        # an unknown kind names the table
        ({"kind": "ebay"}, "channels.x"),
        # a missing env: secret names the key
        (
            {"kind": "meta", "catalog_id": "1", "access_token": "env:NOPE"},
            "channels.x.access_token",
        ),
        # a bad interval names the key
        (
            {"kind": "woocommerce", "base_url": "u", "consumer_key": "k", "consumer_secret": "s",
             "order_poll_s": 0},
            "channels.x.order_poll_s",
        ),
        # an unknown adapter key names the key
        (
            {"kind": "meta", "catalog_id": "1", "access_token": "t", "colour": 1},
            "channels.x.colour",
        ),
    ],
)  # fmt: skip
def test_bad_tables_name_the_field(table: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        configured_accounts({"x": table}, ENV)
    assert caught.value.field == field
