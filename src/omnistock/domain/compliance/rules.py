"""Rule packs as values: a versioned set of dated rules for one channel.

A rule is *in force* on day ``d`` when ``effective_from <= d`` and (no ``until`` or
``d < until``); it is *upcoming* when it starts within the look-ahead window after ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "Check",
    "CheckKind",
    "Condition",
    "ConditionOp",
    "Lang",
    "Rule",
    "RulePack",
    "RuleSeverity",
    "Text",
]


class RuleSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Lang(StrEnum):
    PL = "pl"
    EN = "en"


class CheckKind(StrEnum):
    """The declarative check types a rule file may use (nothing else is executable)."""

    PRESENT = "present"
    REQUIRED_IF = "required_if"
    LENGTH = "length"
    WORD_COUNT = "word_count"
    COUNT = "count"
    RANGE = "range"
    REGEX = "regex"
    ONE_OF = "one_of"
    IMAGE_SIZE = "image_size"
    EACH = "each"


class ConditionOp(StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    NOT_IN = "not_in"
    PRESENT = "present"


@dataclass(frozen=True, slots=True, kw_only=True)
class Text:
    """The same text in Polish and English."""

    pl: str
    en: str

    def in_lang(self, lang: Lang) -> str:
        return self.pl if lang is Lang.PL else self.en


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition:
    """``field`` compared with ``values`` (``present`` takes one boolean value)."""

    field: str
    op: ConditionOp
    values: tuple[str | bool, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """One declarative check; which attributes matter depends on ``kind`` (docs/rule-packs.md)."""

    kind: CheckKind
    field: str
    min: Decimal | None = None
    max: Decimal | None = None
    pattern: str | None = None
    values: tuple[str, ...] = ()
    forbid: bool = False
    if_missing_pass: bool = False
    when: tuple[Condition, ...] = ()  # required_if only
    item: Check | None = None  # each only


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A dated rule with its bilingual description, what-to-fix text and announcement source."""

    id: str
    description: Text
    fix: Text
    severity: RuleSeverity
    effective_from: date
    until: date | None
    source: str
    check: Check
    when: tuple[Condition, ...] = ()

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.until is None or day < self.until)

    def starts_within(self, day: date, end: date) -> bool:
        """Takes effect after ``day`` and on or before ``end``."""
        return day < self.effective_from <= end and (
            self.until is None or self.effective_from < self.until
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RulePack:
    """A versioned set of rules for one channel; ``origin`` names the file it came from."""

    name: str
    channel: str
    version: str
    rules: tuple[Rule, ...]
    description: str = ""
    origin: str = ""
