"""Adapter configs from a ``[channels.NAME]`` table (``config_from_mapping``)."""

from __future__ import annotations

import pytest

from omnistock.channels.allegro import AllegroConfig
from omnistock.channels.amazon import AmazonConfig
from omnistock.channels.http import HttpSettings, config_from_mapping
from omnistock.channels.woocommerce import WooConfig
from omnistock.domain.errors import InvalidValue


def test_builds_a_config_with_secrets_from_the_environment() -> None:
    section = {
        "type": "allegro",
        "client_id": "abc",
        "client_secret": "env:ALLEGRO_SECRET",
        "api_url": "https://api.allegro.pl.allegrosandbox.pl",
        "auth_url": "https://allegro.pl.allegrosandbox.pl",
        "patch_max_items": 5,
        "timeout_s": 12,
    }
    config = config_from_mapping(
        AllegroConfig, section, {"ALLEGRO_SECRET": "s"}, "channels.allegro"
    )
    assert config.client_secret == "s"
    assert config.api_url.endswith("allegrosandbox.pl")
    assert config.patch_max_items == 5
    assert config.http == HttpSettings(timeout_s=12.0)


@pytest.mark.parametrize(
    ("section", "field"),
    [
        (
            {"base_url": "x", "consumer_key": "k", "consumer_secret": "s", "colour": 1},
            "shop.colour",
        ),
        (
            {"base_url": "x", "consumer_key": "k", "consumer_secret": "env:NOPE"},
            "shop.consumer_secret",
        ),
        ({"base_url": "x"}, "shop"),
    ],
)
def test_bad_tables_name_the_field(section: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        config_from_mapping(WooConfig, section, {}, "shop")
    assert caught.value.field == field


def test_amazon_defaults_are_production_europe() -> None:
    config = config_from_mapping(
        AmazonConfig,
        {"client_id": "c", "client_secret": "s", "refresh_token": "r", "seller_id": "A1"},
        {},
        "channels.amazon",
    )
    assert config.api_url == "https://sellingpartnerapi-eu.amazon.com"
    assert config.marketplace_id == "A1C3SOZRARQ6R3"
