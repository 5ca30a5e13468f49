"""Text that may appear on an invoice: one line, no control characters, bounded length."""

from __future__ import annotations

import re

from omnistock.domain.errors import InvalidValue

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drop C0/C1 control characters (marketplaces send them; KSeF rejects them) and fold spaces."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def required_text(text: str | None, *, field: str, limit: int = 256) -> str:
    """``text`` cleaned; empty or missing → ``InvalidValue`` naming ``field``."""
    cleaned = clean_text(text or "")
    if not cleaned:
        raise InvalidValue("is missing", field=field)
    if len(cleaned) > limit:
        raise InvalidValue(f"is longer than {limit} characters", field=field)
    return cleaned


def optional_text(text: str | None, *, field: str, limit: int = 256) -> str | None:
    """Like :func:`required_text`, but an empty value becomes ``None``."""
    if text is None or not clean_text(text):
        return None
    return required_text(text, field=field, limit=limit)
