"""KSeF numbers: ``NIP-YYYYMMDD-XXXXXXXXXXXX-CC``, CRC-8 (poly 0x07) over the first 32 chars."""

from __future__ import annotations

import re

from omnistock.domain.errors import InvalidValue

_PATTERN = re.compile(r"\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}")


def crc8(data: bytes) -> int:
    """CRC-8, polynomial 0x07, initial value 0x00."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def ksef_checksum(body: str) -> str:
    """The two hex digits that end a KSeF number whose first 32 characters are ``body``.

    >>> ksef_checksum("5265877635-20250826-0100001AF629")
    'AF'
    """
    return f"{crc8(body.encode('ascii')):02X}"


def parse_ksef_number(text: str, *, field: str = "ksef_number") -> str:
    """A 35-character KSeF number with a valid checksum, or ``InvalidValue(field=…)``."""
    number = text.strip().upper()
    if not _PATTERN.fullmatch(number):
        raise InvalidValue(f"{text!r} is not a KSeF number (NIP-YYYYMMDD-12 hex-CC)", field=field)
    if ksef_checksum(number[:32]) != number[33:]:
        raise InvalidValue(f"{text!r} has a wrong checksum", field=field)
    return number
