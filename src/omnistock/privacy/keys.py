"""Privacy keys: one active encryption key, older keys kept for reading, and a separate hash key.

Keys come from the environment or from a key file that only its owner may read — never from the
database. ``OMNISTOCK_PRIVACY_KEYS`` holds ``kid:base64key`` entries separated by commas, the
first being the active key; ``OMNISTOCK_PRIVACY_HASH_KEY`` holds the base64 key of the keyed
hashes used for look-ups. A key file (``OMNISTOCK_PRIVACY_KEY_FILE`` or ``[privacy] key_file``) is
TOML::

    active = "2026a"
    hash_key = "<base64 of 32 random bytes>"
    [keys]
    2026a = "<base64 of 32 random bytes>"
    2025b = "<base64 of 32 random bytes>"
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from omnistock.domain.errors import InvalidValue

__all__ = [
    "ENV_HASH_KEY",
    "ENV_KEYS",
    "ENV_KEY_FILE",
    "KEY_BYTES",
    "KeyConfigError",
    "Keyring",
    "UnknownKeyId",
    "generate_key",
    "keyring_from_file",
    "keyring_from_text",
    "load_keyring",
]

ENV_KEYS = "OMNISTOCK_PRIVACY_KEYS"
ENV_HASH_KEY = "OMNISTOCK_PRIVACY_HASH_KEY"
ENV_KEY_FILE = "OMNISTOCK_PRIVACY_KEY_FILE"
KEY_BYTES = 32
KID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,31}")
"""Key ids: letters, digits, dots and dashes (no ``:``, ``_`` or ``%``: they appear in tokens
and in SQL ``LIKE`` prefixes)."""


class KeyConfigError(InvalidValue):
    """The privacy keys are missing or malformed; nothing is encrypted or decrypted without them."""


class UnknownKeyId(InvalidValue):
    """A value was encrypted with a key that is not in the keyring."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Keyring:
    """Encryption keys by key id (``active`` encrypts, all decrypt) and the keyed-hash key."""

    active: str
    keys: Mapping[str, bytes] = field(repr=False)
    hash_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        for kid, key in self.keys.items():
            _check_kid(kid)
            if len(key) != KEY_BYTES:
                raise KeyConfigError(f"key {kid!r} must be {KEY_BYTES} bytes", field="keys")
        if self.active not in self.keys:
            raise KeyConfigError(
                f"active key {self.active!r} is not in the keyring", field="active"
            )
        if len(self.hash_key) < KEY_BYTES:
            raise KeyConfigError(f"the hash key must be ≥ {KEY_BYTES} bytes", field="hash_key")
        if self.hash_key in self.keys.values():
            raise KeyConfigError(
                "the hash key must differ from the encryption keys", field="hash_key"
            )
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def key(self, kid: str) -> bytes:
        """The key ``kid``; :class:`UnknownKeyId` if this keyring does not hold it."""
        try:
            return self.keys[kid]
        except KeyError:
            raise UnknownKeyId(
                f"no privacy key {kid!r} is configured (known: {', '.join(sorted(self.keys))})",
                field="kid",
            ) from None

    @property
    def retired(self) -> frozenset[str]:
        """Key ids kept only for reading."""
        return frozenset(self.keys) - {self.active}


def generate_key() -> str:
    """A new random key, base64-encoded (for the key file or the environment)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def load_keyring(environ: Mapping[str, str], *, key_file: str | Path | None = None) -> Keyring:
    """The keyring from ``OMNISTOCK_PRIVACY_KEYS`` (+ hash key), else from a key file.

    ``key_file`` (e.g. ``[privacy] key_file`` from the configuration) is used when the
    environment gives no keys; ``OMNISTOCK_PRIVACY_KEY_FILE`` overrides it.
    """
    keys = environ.get(ENV_KEYS, "").strip()
    if keys:
        return keyring_from_text(keys, environ.get(ENV_HASH_KEY, ""))
    path = environ.get(ENV_KEY_FILE, "").strip() or key_file
    if path:
        return keyring_from_file(Path(path))
    raise KeyConfigError(
        f"no privacy keys: set {ENV_KEYS} and {ENV_HASH_KEY}, or a key file "
        f"({ENV_KEY_FILE} or [privacy] key_file)",
        field="keys",
    )


def keyring_from_text(keys: str, hash_key: str) -> Keyring:
    """Parse ``kid:base64,kid:base64`` (first = active) and the base64 hash key."""
    pairs: dict[str, bytes] = {}
    for entry in filter(None, (part.strip() for part in keys.split(","))):
        kid, sep, value = entry.partition(":")
        if not sep:
            raise KeyConfigError("each key must be written kid:base64key", field=ENV_KEYS)
        if kid.strip() in pairs:
            raise KeyConfigError(f"key id {kid.strip()!r} is repeated", field=ENV_KEYS)
        pairs[_check_kid(kid.strip())] = _decode(value, f"{ENV_KEYS}[{kid.strip()}]")
    if not pairs:
        raise KeyConfigError("no key given", field=ENV_KEYS)
    if not hash_key.strip():
        raise KeyConfigError(f"{ENV_HASH_KEY} is not set", field=ENV_HASH_KEY)
    active = next(iter(pairs))
    return Keyring(active=active, keys=pairs, hash_key=_decode(hash_key, ENV_HASH_KEY))


def keyring_from_file(path: Path) -> Keyring:
    """Read a TOML key file; refuse it if group or others may read or write it."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        raise KeyConfigError(f"key file {str(path)!r} not found", field="key_file") from None
    if mode & 0o077:
        raise KeyConfigError(
            f"key file {str(path)!r} is accessible by group/others (mode {mode:o}); "
            f"run: chmod 600 {path}",
            field="key_file",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KeyConfigError(
            f"cannot read key file {str(path)!r}: {exc}", field="key_file"
        ) from exc
    return _keyring_from_toml(data)


def _keyring_from_toml(data: Mapping[str, Any]) -> Keyring:
    keys = data.get("keys")
    if not isinstance(keys, dict) or not keys:
        raise KeyConfigError("the key file needs a [keys] table", field="keys")
    active = data.get("active", "")
    if not isinstance(active, str) or not active:
        raise KeyConfigError('the key file needs active = "<kid>"', field="active")
    hash_key = data.get("hash_key", "")
    if not isinstance(hash_key, str) or not hash_key:
        raise KeyConfigError('the key file needs hash_key = "<base64>"', field="hash_key")
    decoded = {_check_kid(str(k)): _decode(v, f"keys.{k}") for k, v in keys.items()}
    return Keyring(active=active, keys=decoded, hash_key=_decode(hash_key, "hash_key"))


def _check_kid(kid: str) -> str:
    if not KID.fullmatch(kid):
        raise KeyConfigError(
            f"key id {kid!r} must be 1–32 letters, digits, dots or dashes", field="kid"
        )
    return kid


def _decode(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise KeyConfigError("a key must be a base64 string", field=name)
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigError("a key must be valid base64", field=name) from None
