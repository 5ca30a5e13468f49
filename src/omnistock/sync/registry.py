"""Adapter registry: which ``ChannelAdapter`` serves each channel account.

The composition root fills it. Factories take the environment mapping and return channel
name → adapter; ``FACTORIES`` is the explicit list (the channel-adapter issue appends its HTTP
factory). Until then the only factory is the file-backed in-memory fake, enabled by
``OMNISTOCK_FAKE_CHANNELS=<dir>``: every ``<dir>/<channel>.json`` is one fake channel account.
For tests and dry runs of several worker processes, ``OMNISTOCK_FAKE_LIMITS=<requests>,<changes>,
<window_s>`` sets the fakes' documented limits, ``OMNISTOCK_FAKE_LATENCY_S`` delays each push and
``OMNISTOCK_FAKE_PUSH_LOG=<file>`` appends one JSON line per push (process id, channel, batch id,
size, wall-clock start and end) — appends from several processes never interleave.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from uuid import UUID

from omnistock.channels.base import (
    Capabilities,
    ChannelAdapter,
    ChannelLimits,
    OrderPage,
    PushBatch,
    PushReport,
)
from omnistock.channels.fake import InMemoryChannel, default_capabilities

__all__ = [
    "ENV_FAKE_CHANNELS",
    "ENV_FAKE_LATENCY_S",
    "ENV_FAKE_LIMITS",
    "ENV_FAKE_MAX_BATCH",
    "ENV_FAKE_PUSH_LOG",
    "FACTORIES",
    "AdapterFactory",
    "LoggedPushes",
    "adapters_from_env",
    "fake_adapters",
]

ENV_FAKE_CHANNELS = "OMNISTOCK_FAKE_CHANNELS"
ENV_FAKE_MAX_BATCH = "OMNISTOCK_FAKE_MAX_BATCH"
ENV_FAKE_LIMITS = "OMNISTOCK_FAKE_LIMITS"
ENV_FAKE_LATENCY_S = "OMNISTOCK_FAKE_LATENCY_S"
ENV_FAKE_PUSH_LOG = "OMNISTOCK_FAKE_PUSH_LOG"

AdapterFactory = Callable[[Mapping[str, str]], dict[str, ChannelAdapter]]


def fake_adapters(environ: Mapping[str, str]) -> dict[str, ChannelAdapter]:
    """File-backed fakes from ``OMNISTOCK_FAKE_CHANNELS`` (for tests and dry runs)."""
    folder = environ.get(ENV_FAKE_CHANNELS)
    if not folder:
        return {}
    caps = default_capabilities(max_batch=int(environ.get(ENV_FAKE_MAX_BATCH, "1000")))
    limits = environ.get(ENV_FAKE_LIMITS)
    if limits:
        requests, changes, window_s = limits.split(",")
        caps = default_capabilities(
            max_batch=caps.max_batch,
            limits=ChannelLimits(
                requests_per_window=int(requests),
                changes_per_window=int(changes),
                window_s=float(window_s),
            ),
        )
    latency_s = float(environ.get(ENV_FAKE_LATENCY_S, "0"))
    log = environ.get(ENV_FAKE_PUSH_LOG)
    found: dict[str, ChannelAdapter] = {}
    for path in sorted(Path(folder).glob("*.json")):
        fake = InMemoryChannel(name=path.stem, capabilities=caps, path=path, latency_s=latency_s)
        found[path.stem] = LoggedPushes(fake, Path(log)) if log else fake
    return found


class LoggedPushes:
    """A ``ChannelAdapter`` that appends one JSON line per push of ``inner`` to ``path``."""

    def __init__(self, inner: InMemoryChannel, path: Path) -> None:
        self.inner = inner
        self.path = path

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def push(self, batch: PushBatch) -> PushReport:
        start = time.time()
        try:
            return self.inner.push(batch)
        finally:
            line = {
                "pid": os.getpid(),
                "channel": batch.channel,
                "batch": str(batch.id),
                "size": len(batch.items),
                "start": start,
                "end": time.time(),
            }
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (json.dumps(line) + "\n").encode())
            finally:
                os.close(fd)

    def poll(self, batch_id: UUID) -> PushReport:
        return self.inner.poll(batch_id)

    def read_quantities(self, offer_ids: Sequence[str]) -> Mapping[str, int]:
        return self.inner.read_quantities(offer_ids)

    def poll_orders(self, cursor: str | None) -> OrderPage:
        return self.inner.poll_orders(cursor)


FACTORIES: list[AdapterFactory] = [fake_adapters]


def adapters_from_env(environ: Mapping[str, str]) -> dict[str, ChannelAdapter]:
    """Every registered factory's adapters; a later factory wins for the same channel."""
    found: dict[str, ChannelAdapter] = {}
    for factory in FACTORIES:
        found.update(factory(environ))
    return found
