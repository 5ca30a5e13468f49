"""Adapter registry: which ``ChannelAdapter`` serves each channel account.

The composition root fills it. Factories take the environment mapping and return channel
name → adapter; ``FACTORIES`` is the explicit list (the channel-adapter issue appends its HTTP
factory). Until then the only factory is the file-backed in-memory fake, enabled by
``OMNISTOCK_FAKE_CHANNELS=<dir>``: every ``<dir>/<channel>.json`` is one fake channel account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from omnistock.channels.base import ChannelAdapter
from omnistock.channels.fake import InMemoryChannel, default_capabilities

__all__ = [
    "ENV_FAKE_CHANNELS",
    "ENV_FAKE_MAX_BATCH",
    "FACTORIES",
    "AdapterFactory",
    "adapters_from_env",
    "fake_adapters",
]

ENV_FAKE_CHANNELS = "OMNISTOCK_FAKE_CHANNELS"
ENV_FAKE_MAX_BATCH = "OMNISTOCK_FAKE_MAX_BATCH"

AdapterFactory = Callable[[Mapping[str, str]], dict[str, ChannelAdapter]]


def fake_adapters(environ: Mapping[str, str]) -> dict[str, ChannelAdapter]:
    """File-backed fakes from ``OMNISTOCK_FAKE_CHANNELS`` (for tests and dry runs)."""
    folder = environ.get(ENV_FAKE_CHANNELS)
    if not folder:
        return {}
    caps = default_capabilities(max_batch=int(environ.get(ENV_FAKE_MAX_BATCH, "1000")))
    return {
        path.stem: InMemoryChannel(name=path.stem, capabilities=caps, path=path)
        for path in sorted(Path(folder).glob("*.json"))
    }


FACTORIES: list[AdapterFactory] = [fake_adapters]


def adapters_from_env(environ: Mapping[str, str]) -> dict[str, ChannelAdapter]:
    """Every registered factory's adapters; a later factory wins for the same channel."""
    found: dict[str, ChannelAdapter] = {}
    for factory in FACTORIES:
        found.update(factory(environ))
    return found
