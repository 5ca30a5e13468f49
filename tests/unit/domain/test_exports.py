"""Every domain module lists its public names in ``__all__``, and only names it has."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "allocation",
    "apportion",
    "buffer",
    "bundles",
    "catalog_feed",
    "csvfile",
    "errors",
    "explain",
    "ids",
    "inventory",
    "ledger",
    "listing",
    "policy",
    "product",
    "stock_feed",
    "velocity",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_exactly_the_public_definitions(name: str) -> None:
    module = importlib.import_module(f"omnistock.domain.{name}")
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
