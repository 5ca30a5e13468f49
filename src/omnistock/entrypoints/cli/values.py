"""Parsing of CLI argument values into domain values; bad text raises ``InvalidValue``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path

from omnistock.domain.errors import InvalidFile, InvalidValue
from omnistock.domain.ids import ChannelId


def decimal(text: str, *, field: str) -> Decimal:
    """A decimal number; a comma is accepted as the decimal separator (``12,50``)."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidValue(f"{text!r} is not a number", field=field) from None
    if not value.is_finite():
        raise InvalidValue(f"{text!r} is not a number", field=field)
    return value


def percent(text: str, *, field: str) -> Decimal:
    """A percentage (``12.5`` or ``12.5%``) as a fraction of 1 (``0.125``)."""
    return decimal(text.strip().removesuffix("%"), field=field) / 100


def integer(text: str, *, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidValue(f"{text!r} is not a whole number", field=field) from None


def channel_pairs(items: Iterable[str], *, field: str) -> dict[ChannelId, str]:
    """``CHANNEL=VALUE`` items into a mapping; a repeated channel is an error."""
    pairs: dict[ChannelId, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InvalidValue(f"expected CHANNEL=VALUE, got {item!r}", field=field)
        channel = ChannelId(name.strip())
        if channel in pairs:
            raise InvalidValue(f"channel {channel!r} given twice", field=field)
        pairs[channel] = value.strip()
    return pairs


def shares(items: Iterable[str]) -> dict[ChannelId, Decimal]:
    """``--share allegro=60`` items (percent; a trailing ``%`` is allowed)."""
    return {
        ch: decimal(v.removesuffix("%"), field="share")
        for ch, v in channel_pairs(items, field="share").items()
    }


def caps(items: Iterable[str]) -> dict[ChannelId, int]:
    """``--max-listed allegro=50`` items."""
    return {
        ch: integer(v, field="max_listed")
        for ch, v in channel_pairs(items, field="max_listed").items()
    }


def read_text(path: Path) -> str:
    """A UTF-8 import file (a BOM from spreadsheet exports is dropped)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidFile(f"{path} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InvalidFile(f"cannot read {path}: {exc.strerror}") from None


def data_rows(text: str) -> int:
    """Non-blank lines after the header: the size of an import, for the progress bar."""
    return max(0, sum(1 for line in text.splitlines() if line.strip()) - 1)


def plain(value: object) -> object:
    """A JSON-ready view of a value object (dataclasses, mappings, enums, sequences)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return plain(to_dict())
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value
