"""Every module of the API package lists its public names in ``__all__``, and they exist."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import omnistock.entrypoints.api as api_package

MODULES = [
    m.name for m in pkgutil.walk_packages(api_package.__path__, "omnistock.entrypoints.api.")
]


@pytest.mark.parametrize("name", ["omnistock.entrypoints.api", *MODULES])
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert [n for n in exported if not hasattr(module, n)] == []
    assert sorted(exported) == sorted(set(exported))


def test_route_modules_export_a_router() -> None:
    routes = [m for m in MODULES if ".routes." in m and not m.endswith(".models")]
    assert len(routes) >= 10
    for name in routes:
        assert importlib.import_module(name).__all__ == ["router"]
