"""Each safety module's ``__all__`` names exist, and configuration keys are validated."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.entrypoints.cli.safety import watch_settings
from omnistock.service.holds import safety_parts

MODULES = [
    "omnistock.store.safety_tables",
    "omnistock.store.safety_repository",
    "omnistock.store.incident_repository",
    "omnistock.service.holds",
    "omnistock.service.incidents",
    "omnistock.service.notifications",
    "omnistock.service.pause",
    "omnistock.entrypoints.cli.safety",
]


@pytest.mark.parametrize("name", MODULES)
def test_every_exported_name_exists(name: str) -> None:
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []
    assert module.__doc__


def test_watch_keys_are_read_and_validated() -> None:
    settings = watch_settings({"breaker_after_minutes": 30, "source_max_age_hours": 26})
    assert settings.breaker_after == timedelta(minutes=30)
    assert settings.source_max_age == timedelta(hours=26)
    assert watch_settings({}).source_max_age is None
    with pytest.raises(InvalidValue) as error:
        watch_settings({"heartbeat_after_minutes": 0})
    assert error.value.field == "safety.heartbeat_after_minutes"


def test_unknown_safety_key_is_an_error(engine) -> None:
    with pytest.raises(InvalidValue) as error:
        safety_parts(engine, {"mass_shar": 0.3})
    assert error.value.field == "safety.mass_shar"
    parts = safety_parts(engine, {"mass_share": 0.5, "breaker_after_minutes": 5})
    assert parts.thresholds.mass_share == 0.5
