"""Every order module lists its public names in ``__all__``, and only names it has."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "omnistock.domain.orders.effects",
    "omnistock.domain.orders.feed",
    "omnistock.domain.orders.mapping",
    "omnistock.domain.orders.order",
    "omnistock.domain.orders.state",
    "omnistock.service.order_apply",
    "omnistock.service.order_ports",
    "omnistock.service.order_privacy",
    "omnistock.service.orders",
    "omnistock.store.order_repository",
    "omnistock.store.order_tables",
    "omnistock.channels.allegro.order_details",
    "omnistock.channels.amazon.order_details",
    "omnistock.channels.woocommerce.order_details",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_exactly_the_public_definitions(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    assert all(hasattr(module, n) for n in exported)
    defined = {
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__
    }
    assert defined <= exported


def test_package_reexports_its_modules() -> None:
    package = importlib.import_module("omnistock.domain.orders")
    assert all(hasattr(package, n) for n in package.__all__)
