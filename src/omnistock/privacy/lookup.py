"""Keyed hashes (HMAC-SHA256) for finding a person by e-mail, phone or customer id.

The value is normalised first (e-mail trimmed and lower-cased; phone to E.164, Polish numbers by
default; customer ids trimmed), then hashed with the keyring's hash key and a per-kind label, so
an e-mail hash never equals a phone hash. Without the key the hashes cannot be reversed by
guessing (unlike a plain SHA-256 of a phone number).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import StrEnum

from omnistock.domain.errors import InvalidValue

__all__ = ["IdentifierKind", "KeyedHasher", "normalise", "normalise_email", "normalise_phone"]

COUNTRY_CODES = {"PL": "48", "DE": "49", "CZ": "420", "SK": "421", "LT": "370", "GB": "44"}
NATIONAL_DIGITS = {"PL": 9, "DE": 11, "CZ": 9, "SK": 9, "LT": 8, "GB": 10}
_SEPARATORS = re.compile(r"[\s().\-/]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class IdentifierKind(StrEnum):
    """What an identifier is; part of the hashed message."""

    EMAIL = "email"
    PHONE = "phone"
    CUSTOMER = "customer"


def normalise_email(value: str) -> str:
    """``'  Jan.Kowalski@Example.PL '`` → ``'jan.kowalski@example.pl'``."""
    email = value.strip().lower()
    if not _EMAIL.fullmatch(email):
        raise InvalidValue("not an e-mail address", field="email")
    return email


def normalise_phone(value: str, *, region: str = "PL") -> str:
    """A phone number in E.164: ``'600 100 200'`` → ``'+48600100200'`` (region PL by default).

    Accepts ``+``/``00`` international prefixes; a national number must have the region's length.
    """
    digits = _SEPARATORS.sub("", value.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    international = digits.startswith("+")
    digits = digits.removeprefix("+")
    if not digits.isdigit() or not digits.isascii():
        raise InvalidValue(
            "a phone number may hold only digits, spaces and + ( ) - .", field="phone"
        )
    if international:
        if not 8 <= len(digits) <= 15:
            raise InvalidValue("an international number has 8–15 digits", field="phone")
        return "+" + digits
    code = COUNTRY_CODES.get(region)
    if code is None:
        raise InvalidValue(f"unknown phone region {region!r}", field="phone")
    if len(digits) == NATIONAL_DIGITS[region] + len(code) and digits.startswith(code):
        return "+" + digits
    if len(digits) != NATIONAL_DIGITS[region]:
        raise InvalidValue(f"a {region} number has {NATIONAL_DIGITS[region]} digits", field="phone")
    return f"+{code}{digits}"


def normalise(kind: IdentifierKind, value: str, *, region: str = "PL") -> str:
    """Normalise ``value`` as an identifier of ``kind``."""
    if kind is IdentifierKind.EMAIL:
        return normalise_email(value)
    if kind is IdentifierKind.PHONE:
        return normalise_phone(value, region=region)
    customer = value.strip()
    if not customer:
        raise InvalidValue("a customer id must not be empty", field="customer")
    return customer


class KeyedHasher:
    """HMAC-SHA256 of normalised identifiers with the keyring's separate hash key."""

    def __init__(self, key: bytes, *, region: str = "PL") -> None:
        self._key = key
        self.region = region

    def digest(self, kind: IdentifierKind, value: str) -> str:
        """64 hex characters; equal for every spelling of the same identifier."""
        return self._mac(f"omnistock/{kind.value}\x00{normalise(kind, value, region=self.region)}")

    def stored_digest(self, kind: IdentifierKind, value: str) -> str:
        """The digest to store: normalised if ``value`` is valid, else of its trimmed lower case.

        Marketplaces send odd phone numbers; the record is still kept and still findable by the
        same spelling (see :meth:`candidates`).
        """
        try:
            return self.digest(kind, value)
        except InvalidValue:
            return self._mac(f"omnistock/{kind.value}/raw\x00{value.strip().lower()}")

    def candidates(self, kind: IdentifierKind, value: str) -> frozenset[str]:
        """Every digest under which ``value`` may have been stored."""
        found = {self.stored_digest(kind, value)}
        raw = self._mac(f"omnistock/{kind.value}/raw\x00{value.strip().lower()}")
        return frozenset({*found, raw})

    def _mac(self, message: str) -> str:
        return hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def email(self, value: str) -> str:
        return self.digest(IdentifierKind.EMAIL, value)

    def phone(self, value: str) -> str:
        return self.digest(IdentifierKind.PHONE, value)

    def customer(self, value: str) -> str:
        return self.digest(IdentifierKind.CUSTOMER, value)
