"""Log redaction: a ``logging.Filter`` that masks personal data before any handler formats it.

Two kinds of masking, applied to the message (with its arguments merged in), to exception and
stack texts, and to every extra field of the record:

- **known values** registered at run time (e.g. the buyer fields of the order being imported),
  in a bounded, thread-safe registry — ``with known_values.scope(name, email, …): …``;
- **patterns**: e-mail addresses, Polish phone numbers, NIP (checksum-valid), IBAN / NRB account
  numbers, and values after address- or contact-like keys (``street=…``, ``"address": "…"``,
  ``email=…``). Text holding percent-encoded parts (a URL's query string) is also checked
  decoded: ``?email=jan%40example.pl`` is masked too.

:func:`install_redaction` puts the filter on every handler of the root logger;
:func:`redact_loggers` on named loggers that do not propagate to it (the API server's
``uvicorn`` loggers, :data:`UVICORN_LOGGERS`), and :func:`with_redaction` adds it to the handlers
of a ``logging.config.dictConfig`` mapping (uvicorn's ``log_config``). If masking itself fails,
the record's text is replaced by a placeholder: nothing is ever logged unmasked.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import traceback
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

__all__ = [
    "MASK",
    "UVICORN_LOGGERS",
    "KnownValues",
    "RedactionFilter",
    "install_redaction",
    "known_values",
    "redact",
    "redact_loggers",
    "with_redaction",
]

MASK = "[redacted]"
MIN_KNOWN = 3
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)?48[ -]?)?"
    r"(?:\d{3}[ -]?\d{3}[ -]?\d{3}|\d{2}[ -]\d{3}[ -]\d{2}[ -]\d{2})(?!\w)"
)
_NIP = re.compile(
    r"(?<![\w-])(?:PL ?)?(\d{3}-?\d{3}-?\d{2}-?\d{2}|\d{3}-?\d{2}-?\d{2}-?\d{3})(?![\w-])"
)
_IBAN = re.compile(
    r"(?<!\w)(?:[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?|\d{2}(?: ?\d{4}){6})(?!\w)"
)
_KEYS = (
    r"street|street_?\d|address(?:_?line)?_?\d?|adres|ulica|ul\.|city|miasto|post_?code|postcode"
    r"|zip(?:_?code)?|first_?name|last_?name|full_?name|surname|nazwisko|imi[eę]|recipient"
    r"|buyer_?name|addressee|company_?name|firma|e-?_?mail|phone|telefon|tel|nip|pesel|customer"
)
_KEYED = re.compile(
    rf"""(?ix)(["']?\b(?:{_KEYS})["']?\s*[:=]\s*)(?!\[redacted\])"""  # masked: leave as is
    r"""("[^"]*"|'[^']*'|[^,;&}\]\n]+)"""
)
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def _nip_valid(digits: str) -> bool:
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=False))
    return total % 11 == int(digits[9])


def _mask_nip(match: re.Match[str]) -> str:
    return MASK if _nip_valid(re.sub(r"\D", "", match.group(1))) else match.group(0)


class KnownValues:
    """Bounded, thread-safe set of personal values to mask wherever they appear (case-blind)."""

    def __init__(self, max_size: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._values: OrderedDict[str, int] = OrderedDict()
        self._max = max_size
        self._pattern: re.Pattern[str] | None = None

    def add(self, *values: str | None) -> None:
        """Register values (shorter than 3 characters are ignored); oldest go when full."""
        with self._lock:
            for value in _variants(values):
                self._values[value] = self._values.get(value, 0) + 1
                self._values.move_to_end(value)
            while len(self._values) > self._max:
                self._values.popitem(last=False)
            self._pattern = None

    def discard(self, *values: str | None) -> None:
        """Unregister values (each ``add`` is matched by one ``discard``)."""
        with self._lock:
            for value in _variants(values):
                count = self._values.get(value, 0) - 1
                if count > 0:
                    self._values[value] = count
                else:
                    self._values.pop(value, None)
            self._pattern = None

    @contextmanager
    def scope(self, *values: str | None) -> Iterator[None]:
        """Mask ``values`` while the block runs (e.g. while one order is processed)."""
        self.add(*values)
        try:
            yield
        finally:
            self.discard(*values)

    def __len__(self) -> int:
        return len(self._values)

    def pattern(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._values:
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)
            return self._pattern


def _variants(values: Iterable[str | None]) -> Iterator[str]:
    for value in values:
        text = (value or "").strip()
        if len(text) < MIN_KNOWN:
            continue
        yield text
        digits = re.sub(r"[\s()-]", "", text)
        if digits != text and len(digits) >= MIN_KNOWN:
            yield digits


known_values = KnownValues()
"""The process-wide registry the default filter reads."""


def redact(text: str, known: KnownValues | None = None) -> str:
    """``text`` with known values and personal-data patterns masked."""
    registry = known_values if known is None else known
    masked = _mask(text, registry)
    if "%" in text:
        decoded = unquote(text)
        if decoded != text and (unmasked := _mask(decoded, registry)) != decoded:
            return unmasked  # a percent-encoded personal value (e.g. in a query string)
    return masked


def _mask(text: str, registry: KnownValues) -> str:
    pattern = registry.pattern()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _KEYED.sub(lambda m: m.group(1) + MASK, text)
    text = _EMAIL.sub(MASK, text)
    text = _IBAN.sub(MASK, text)
    text = _NIP.sub(_mask_nip, text)
    return _PHONE.sub(MASK, text)


class RedactionFilter(logging.Filter):
    """Masks personal data in a record in place; never drops a record.

    The message is merged with its arguments and masked as one text. ``per_argument=True`` keeps
    a tuple of arguments instead (each text masked on its own) for formatters that read
    ``record.args`` — uvicorn's access log formatter unpacks them.
    """

    def __init__(self, known: KnownValues | None = None, *, per_argument: bool = False) -> None:
        super().__init__()
        self.known = known_values if known is None else known
        self.per_argument = per_argument

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._redact(record)
        except Exception:
            record.msg, record.args = "[log message withheld: redaction failed]", None
            record.exc_info = record.exc_text = record.stack_info = None
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        if self.per_argument and isinstance(record.args, tuple):
            record.msg = self._text(str(record.msg))
            record.args = tuple(self._value(arg) for arg in record.args)
        else:
            record.msg, record.args = self._text(record.getMessage()), None
        if record.exc_info:
            formatted = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text, record.exc_info = self._text(formatted), None
        elif record.exc_text:
            record.exc_text = self._text(record.exc_text)
        if record.stack_info:
            record.stack_info = self._text(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD:
                setattr(record, name, self._value(value))

    def _text(self, text: str) -> str:
        return redact(text, self.known)

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, bool | int | float) or value is None:
            return value
        if isinstance(value, dict):
            return {self._value(k): self._value(v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return type(value)(self._value(v) for v in value)
        return self._text(str(value))


def install_redaction(
    logger: logging.Logger | None = None, *, known: KnownValues | None = None
) -> RedactionFilter:
    """Add one :class:`RedactionFilter` to every handler of ``logger`` (default: root).

    Idempotent (a handler that has one keeps it). Without handlers, the ``lastResort`` handler
    gets it. Handlers added later need another call, once logging is configured.
    """
    target = logger or logging.getLogger()
    handlers = list(target.handlers) or [h for h in (logging.lastResort,) if h is not None]
    installed = RedactionFilter(known)
    for handler in handlers:
        if not any(isinstance(f, RedactionFilter) for f in handler.filters):
            handler.addFilter(installed)
    return installed


UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
"""The API server's loggers; ``uvicorn.access`` logs each request's path with its query string."""
_PER_ARGUMENT = frozenset({"uvicorn.access"})


def redact_loggers(
    names: Iterable[str] = UVICORN_LOGGERS, *, known: KnownValues | None = None
) -> None:
    """Add a :class:`RedactionFilter` to each named logger and to its current handlers.

    A logger's own filter sees every record logged on it, even when its handlers are replaced
    later (``dictConfig`` keeps logger filters) and it does not propagate to the root. Idempotent.
    """
    for name in names:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactionFilter) for f in target.filters):
                target.addFilter(RedactionFilter(known, per_argument=name in _PER_ARGUMENT))


def with_redaction(config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a ``dictConfig`` mapping (e.g. ``uvicorn.config.LOGGING_CONFIG``) whose every
    handler masks personal data (``per_argument`` for handlers of ``uvicorn.access``)."""
    redacted = copy.deepcopy(dict(config))
    filters = redacted.setdefault("filters", {})
    filters["omnistock_redact"] = {"()": RedactionFilter}
    filters["omnistock_redact_args"] = {"()": RedactionFilter, "per_argument": True}
    access = set()
    for name in _PER_ARGUMENT:
        access |= set(redacted.get("loggers", {}).get(name, {}).get("handlers", []))
    for name, handler in redacted.get("handlers", {}).items():
        chosen = "omnistock_redact_args" if name in access else "omnistock_redact"
        handler["filters"] = [*handler.get("filters", []), chosen]
    return redacted
