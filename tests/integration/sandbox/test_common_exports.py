"""The common sandbox framework lists exactly its public names in ``__all__``."""

from __future__ import annotations

import pkgutil

import pytest

import omnistock.sandbox.common as common

MODULES = [
    *(f"omnistock.sandbox.common.{m.name}" for m in pkgutil.iter_modules(common.__path__)),
    "omnistock.sandbox.registry",
    "omnistock.entrypoints.cli.sandbox",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_every_public_class_and_function(missing_exports, name: str) -> None:
    assert missing_exports(name) == (set(), set())


def test_package_reexports_the_framework() -> None:
    assert set(common.__all__) >= {
        "SandboxClock",
        "FaultConfig",
        "FaultInjector",
        "FaultMiddleware",
        "SlidingWindow",
        "LeakyBucket",
        "RequestLog",
        "SandboxOptions",
        "SandboxBase",
        "SandboxServer",
        "admin_router",
        "build_app",
    }
    assert common.__all__ == sorted(common.__all__)
    assert all(hasattr(common, name) for name in common.__all__)


def test_registry_lists_allegro_first() -> None:
    from omnistock.sandbox.registry import SANDBOXES

    assert next(iter(SANDBOXES)) == "allegro"
