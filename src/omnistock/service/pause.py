"""The pause switch: the seller's emergency stop per channel account or for everything.

A paused channel sends nothing and loses nothing: its listings stay dirty and go out after
``resume``. Every switch is audited (who, when).
"""

from __future__ import annotations

from datetime import datetime

from omnistock.domain.errors import InvalidValue
from omnistock.store.safety_repository import ALL_CHANNELS, SafetyStore

__all__ = ["ALL_CHANNELS", "is_paused", "pause", "paused_channels", "resume"]


def _target(channel: str | None, every: bool) -> str:
    if every == (channel is not None):
        raise InvalidValue("name one channel or all", field="channel")
    if channel is not None and not channel.strip():
        raise InvalidValue("channel must not be empty", field="channel")
    return ALL_CHANNELS if every else str(channel)


def pause(
    store: SafetyStore, channel: str | None = None, *, every: bool = False, by: str, now: datetime
) -> str:
    """Stop sending to ``channel`` (or to every channel); returns what was paused."""
    target = _target(channel, every)
    store.set_pause(target, True, by=by, now=now)
    return target


def resume(
    store: SafetyStore, channel: str | None = None, *, every: bool = False, by: str, now: datetime
) -> list[str]:
    """Send again; ``every`` lifts every pause. Returns the switches turned off."""
    target = _target(channel, every)
    lifted = sorted(store.paused()) if every else [target]
    for name in lifted:
        store.set_pause(name, False, by=by, now=now)
    return lifted


def paused_channels(store: SafetyStore) -> set[str]:
    return store.paused()


def is_paused(store: SafetyStore, channel: str) -> bool:
    return store.is_paused(channel)
