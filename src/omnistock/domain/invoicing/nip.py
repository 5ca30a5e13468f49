"""Polish tax number (NIP): normalisation and checksum (weights 6, 5, 7, 2, 3, 4, 5, 6, 7)."""

from __future__ import annotations

import re

from omnistock.domain.errors import InvalidValue

_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_SEPARATORS = re.compile(r"[\s\-.]")
_FA3_PATTERN = re.compile(r"[1-9]((\d[1-9])|([1-9]\d))\d{7}")


def compact_nip(text: str) -> str:
    """``'PL 526-104-08-28'`` → ``'5261040828'`` (separators and the ``PL`` prefix removed)."""
    compact = _SEPARATORS.sub("", text).upper()
    return compact.removeprefix("PL")


def nip_is_valid(text: str) -> bool:
    """True when ``text`` (compact or formatted) is a 10-digit NIP with a correct check digit.

    >>> nip_is_valid("526-104-08-28"), nip_is_valid("5261040829")
    (True, False)
    """
    digits = compact_nip(text)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    check = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False)) % 11
    return check != 10 and check == int(digits[9])


def parse_nip(text: str | None, *, field: str) -> str:
    """The compact NIP, or ``InvalidValue(field=…)`` if missing, malformed or with a bad checksum.

    Also enforces the FA(3) pattern (no leading 0, no ``x00`` in positions 2–3). Messages never
    echo the value: a sole trader's NIP is personal data, and errors reach logs and incidents.
    """
    if text is None or not text.strip():
        raise InvalidValue("NIP is missing", field=field)
    digits = compact_nip(text)
    if not nip_is_valid(digits):
        raise InvalidValue("not a valid NIP (10 digits, check digit)", field=field)
    if not _FA3_PATTERN.fullmatch(digits):
        raise InvalidValue("not a NIP the FA(3) schema accepts", field=field)
    return digits
