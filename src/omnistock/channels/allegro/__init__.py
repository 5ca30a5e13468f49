"""Allegro: quantity commands, single-offer PATCH, device-flow OAuth with rotating tokens."""

from omnistock.channels.allegro.adapter import AllegroAdapter, AllegroConfig
from omnistock.channels.allegro.device import DeviceCode, DeviceFlow, authorise
from omnistock.channels.allegro.errors import Reauthorise
from omnistock.channels.allegro.tokens import (
    AllegroTokens,
    FileTokenStore,
    MemoryTokenStore,
    TokenPair,
    TokenStore,
)

__all__ = [
    "AllegroAdapter",
    "AllegroConfig",
    "AllegroTokens",
    "DeviceCode",
    "DeviceFlow",
    "FileTokenStore",
    "MemoryTokenStore",
    "Reauthorise",
    "TokenPair",
    "TokenStore",
    "authorise",
]
