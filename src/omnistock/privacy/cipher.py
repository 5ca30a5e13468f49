"""Field encryption: AES-256-GCM per value, bound to its table, column and record id.

A sealed value is text: ``v1:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>``. The nonce is 96 random
bits, fresh for every value. The associated data names the table, column and record id, so a
value copied into another row or column fails to decrypt. There is no plaintext fallback: a
value that is not a sealed token, a missing key or a failed tag is an error, never passed through.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass
from typing import NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from omnistock.domain.errors import InvalidValue
from omnistock.privacy.keys import Keyring

__all__ = [
    "NONCE_BYTES",
    "VERSION",
    "DecryptionFailed",
    "FieldCipher",
    "FieldRef",
    "is_sealed",
    "key_id",
    "sealed_prefix",
]

VERSION = "v1"
NONCE_BYTES = 12
TOKEN = re.compile(r"v1:([A-Za-z0-9.-]{1,32}):([A-Za-z0-9_-]+)")


class DecryptionFailed(InvalidValue):
    """A sealed value cannot be opened: wrong key, wrong row/column, or a damaged value."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldRef:
    """Where a value lives: it is authenticated together with the ciphertext."""

    table: str
    column: str
    record_id: str

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    def associated_data(self) -> bytes:
        return json.dumps([VERSION, self.table, self.column, self.record_id]).encode("utf-8")


def sealed_prefix(kid: str) -> str:
    """The text every value sealed with key ``kid`` starts with (for SQL ``LIKE`` filters)."""
    return f"{VERSION}:{kid}:"


def is_sealed(value: str) -> bool:
    """True if ``value`` has the sealed-token shape (says nothing about which key opens it)."""
    return TOKEN.fullmatch(value) is not None


def key_id(token: str, *, field: str | None = None) -> str:
    """The key id a sealed value was encrypted with."""
    match = TOKEN.fullmatch(token)
    if match is None:
        raise DecryptionFailed("value is not an encrypted token", field=field)
    return match.group(1)


class FieldCipher:
    """Seals and opens personal values with a :class:`Keyring` (active key seals)."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring
        self._aead = {kid: AESGCM(key) for kid, key in keyring.keys.items()}

    @property
    def active(self) -> str:
        return self._keyring.active

    def seal(self, plaintext: str, ref: FieldRef) -> str:
        """Encrypt ``plaintext`` for ``ref`` with the active key."""
        if not isinstance(plaintext, str):
            raise InvalidValue("only text values are sealed", field=ref.name)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead[self.active].encrypt(
            nonce, plaintext.encode("utf-8"), ref.associated_data()
        )
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
        return f"{sealed_prefix(self.active)}{body}"

    def open(self, token: str, ref: FieldRef) -> str:
        """Decrypt a sealed value; :class:`DecryptionFailed` if it is not exactly ``ref``'s."""
        match = TOKEN.fullmatch(token) if isinstance(token, str) else None
        if match is None:
            raise DecryptionFailed(
                f"record {ref.record_id}: value is not encrypted", field=ref.name
            )
        kid, body = match.groups()
        aead = self._aead.get(kid) or self._missing(kid)
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], ref.associated_data())
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionFailed(
                f"record {ref.record_id}: cannot decrypt with key {kid!r} "
                "(wrong key, or value moved from another row/column, or damaged)",
                field=ref.name,
            ) from None
        return plain.decode("utf-8")

    def _missing(self, kid: str) -> NoReturn:
        self._keyring.key(kid)  # raises UnknownKeyId naming the missing key
        raise AssertionError(kid)  # pragma: no cover

    def reseal(self, token: str, ref: FieldRef) -> str:
        """The same value sealed with the active key (unchanged if it already is)."""
        if key_id(token, field=ref.name) == self.active:
            return token
        return self.seal(self.open(token, ref), ref)
