"""The safety and incidents packages list exactly their public names in ``__all__``."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "omnistock.domain.safety.changes",
    "omnistock.domain.safety.channel_read",
    "omnistock.domain.safety.guard",
    "omnistock.domain.safety.holds",
    "omnistock.domain.safety.reread",
    "omnistock.domain.safety.sources",
    "omnistock.domain.safety.thresholds",
    "omnistock.domain.incidents.incident",
    "omnistock.domain.incidents.notification",
    "omnistock.domain.incidents.planning",
    "omnistock.domain.incidents.policy",
    "omnistock.domain.incidents.render",
    "omnistock.domain.incidents.sources",
    "omnistock.domain.incidents.texts",
    "omnistock.notify",
    "omnistock.notify.config",
    "omnistock.notify.cycle",
    "omnistock.notify.memory",
    "omnistock.notify.notifier",
    "omnistock.notify.result",
    "omnistock.notify.sms",
    "omnistock.notify.smtp",
    "omnistock.notify.webhook",
    "omnistock.sandbox.smsapi.app",
    "omnistock.sandbox.smsapi.api",
    "omnistock.sandbox.smsapi.admin",
    "omnistock.sandbox.smsapi.errors",
    "omnistock.sandbox.smsapi.state",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_the_public_definitions(name: str) -> None:
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


@pytest.mark.parametrize("package", ["omnistock.domain.safety", "omnistock.domain.incidents"])
def test_package_reexports_resolve(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__, key=str)
    assert all(hasattr(module, n) for n in module.__all__)
