"""Every module of the channel adapters declares ``__all__`` and exports only what exists."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import omnistock.channels

OWNED = ("http", "allegro", "woocommerce", "amazon", "meta")


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(omnistock.channels.__path__, "omnistock.channels."):
        if info.name.split(".")[2] in OWNED:
            names.append(info.name)
    return sorted(names)


def test_there_are_modules_to_check() -> None:
    assert len(_modules()) >= 15


@pytest.mark.parametrize("name", _modules())
def test_module_declares_its_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert len(set(exported)) == len(exported)
    missing = [n for n in exported if not hasattr(module, n)]
    assert missing == []
