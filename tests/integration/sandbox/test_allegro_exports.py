"""Every module of ``omnistock.sandbox.allegro`` lists exactly its public names in ``__all__``."""

from __future__ import annotations

import pkgutil

import pytest

import omnistock.sandbox.allegro as allegro

MODULES = sorted(
    f"omnistock.sandbox.allegro.{m.name}" for m in pkgutil.iter_modules(allegro.__path__)
)


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_every_public_class_and_function(missing_exports, name: str) -> None:
    assert missing_exports(name) == (set(), set())


def test_package_exports() -> None:
    assert allegro.__all__ == ["AllegroLimits", "AllegroSandbox", "create_app"]
