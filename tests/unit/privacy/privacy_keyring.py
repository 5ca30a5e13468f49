"""Fixed keys for the privacy unit tests (the tests compare them, never print them)."""

from __future__ import annotations

from omnistock.privacy.keys import Keyring

K1, K2, HASH = bytes(range(32)), bytes(range(32, 64)), bytes(range(64, 96))


def keyring(active: str = "k1", **keys: bytes) -> Keyring:
    return Keyring(active=active, keys=keys or {"k1": K1}, hash_key=HASH)
