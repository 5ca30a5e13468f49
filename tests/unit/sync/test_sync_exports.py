"""Every public name listed in ``__all__`` of the sync and channel-boundary modules exists."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "omnistock.channels.base",
    "omnistock.channels.fake",
    "omnistock.sync.budget",
    "omnistock.sync.breaker",
    "omnistock.sync.planner",
    "omnistock.sync.registry",
    "omnistock.sync.retry",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_existing_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(exported) == len(set(exported))
    assert all(hasattr(module, item) and not item.startswith("_") for item in exported)


def test_channel_protocol_is_what_the_fake_implements() -> None:
    from omnistock.channels.base import ChannelAdapter
    from omnistock.channels.fake import InMemoryChannel

    adapter: ChannelAdapter = InMemoryChannel()
    for method in ("push", "poll", "read_quantities", "poll_orders"):
        assert callable(getattr(adapter, method))
    assert adapter.capabilities.max_batch >= 1
