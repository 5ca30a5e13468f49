"""Alert texts: short, ASCII, and free of personal data.

:func:`redact` masks e-mail addresses and formatted phone numbers that may have slipped into
a subject or detail (alert texts carry ids and numbers only). :func:`sms_text` keeps one SMS
to 160 GSM-7-safe characters: Polish diacritics are transliterated, so a message never
switches to 70-character Unicode parts.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SMS_LIMIT", "ascii_text", "redact", "shorten", "sms_text"]

SMS_LIMIT = 160

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])(\+\d{2}[\s-]?)?\d{3}[\s-]\d{3}[\s-]\d{3}(?![\w])|\+\d{11}\b")
_POLISH = str.maketrans("łŁ", "lL")


def redact(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by placeholders."""
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


def ascii_text(text: str) -> str:
    """Transliterate to ASCII (``Zażółć`` → ``Zazolc``); other characters are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_POLISH))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending with ``...`` when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 3)] + "..."


def sms_text(text: str) -> str:
    """One SMS: redacted, ASCII, single spaces, at most 160 characters."""
    return shorten(" ".join(ascii_text(redact(text)).split()), SMS_LIMIT)
