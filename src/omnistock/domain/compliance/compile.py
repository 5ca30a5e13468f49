"""Turn a :class:`Check` into a fast closure: field getters resolved and regexes compiled once.

A compiled check takes a listing (or, inside ``each``, a list item) and returns ``None`` when it
passes, or a bilingual :class:`Text` saying what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from omnistock.domain.compliance.fields import (
    Getter,
    as_number,
    is_missing,
    item_getter,
    listing_getter,
)
from omnistock.domain.compliance.rules import Check, CheckKind, Condition, ConditionOp, Text

__all__ = ["Compiled", "Predicate", "compile_check", "compile_conditions"]

Compiled = Callable[[Any], Text | None]
Predicate = Callable[[Any], bool]


def _bounds_text(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}"
    return f"≥ {low}" if low is not None else f"≤ {high}"


def _missing(name: str) -> Text:
    return Text(pl=f"brak wartości pola {name}", en=f"{name} is missing")


def _measure(
    check: Check, get: Getter, unit: tuple[str, str], size: Callable[[Any], Any]
) -> Compiled:
    """Length, word count, item count or numeric value between ``min`` and ``max``."""
    name, optional = check.field, check.if_missing_pass
    allowed = _bounds_text(check.min, check.max)
    low, high = _fast(check.min), _fast(check.max)
    pl_unit, en_unit = unit

    def run(subject: Any) -> Text | None:
        value = get(subject)
        if is_missing(value) and check.kind is not CheckKind.COUNT:
            return None if optional else _missing(name)
        measured = size(value)
        if measured is None:
            return Text(
                pl=f"{name}: {value!r} nie jest liczbą", en=f"{name}: {value!r} is not a number"
            )
        if (low is not None and measured < low) or (high is not None and measured > high):
            return Text(
                pl=f"{name}: {measured}{pl_unit}, dozwolone {allowed}",
                en=f"{name}: {measured}{en_unit}, allowed {allowed}",
            )
        return None

    return run


def _fast(bound: Decimal | None) -> Decimal | int | None:
    """A whole-number bound as ``int`` (int-to-int comparisons are several times faster)."""
    return int(bound) if bound is not None and bound == bound.to_integral_value() else bound


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else len(str(value))


def _words(value: Any) -> int:
    return len(str(value).split())


def _count(value: Any) -> int:
    return len(value) if isinstance(value, tuple | list) else (0 if value is None else 1)


_MEASURES: dict[CheckKind, tuple[tuple[str, str], Callable[[Any], Any]]] = {
    CheckKind.LENGTH: ((" znaków", " characters"), _length),
    CheckKind.WORD_COUNT: ((" słów", " words"), _words),
    CheckKind.COUNT: ((" elementów", " items"), _count),
    CheckKind.RANGE: (("", ""), as_number),
}


def _present(check: Check, get: Getter) -> Compiled:
    name = check.field
    return lambda subject: _missing(name) if is_missing(get(subject)) else None


def _regex(check: Check, get: Getter) -> Compiled:
    search = re.compile(check.pattern or "").search
    name, forbid, optional = check.field, check.forbid, check.if_missing_pass

    def run(subject: Any) -> Text | None:
        value = get(subject)
        if is_missing(value):
            return None if optional or forbid else _missing(name)
        texts = value if isinstance(value, tuple) else (value,)
        for text in texts:
            found = search(str(text))
            if forbid and found:
                return Text(
                    pl=f"{name} zawiera niedozwolony fragment {found.group(0)!r}",
                    en=f"{name} contains the forbidden {found.group(0)!r}",
                )
            if not forbid and not found:
                return Text(
                    pl=f"{name}: {text!r} ma zły format",
                    en=f"{name}: {text!r} has the wrong format",
                )
        return None

    return run


def _one_of(check: Check, get: Getter) -> Compiled:
    allowed = frozenset(v.casefold() for v in check.values)
    shown = ", ".join(check.values)
    name, forbid, optional = check.field, check.forbid, check.if_missing_pass

    def run(subject: Any) -> Text | None:
        value = get(subject)
        if is_missing(value):
            return None if optional or forbid else _missing(name)
        texts = value if isinstance(value, tuple) else (value,)
        for text in texts:
            inside = _folded(text) in allowed
            if forbid and inside:
                return Text(
                    pl=f"{name} nie może mieć wartości {text!r}", en=f"{name} must not be {text!r}"
                )
            if not forbid and not inside:
                return Text(
                    pl=f"{name} ma wartość {text!r}, dozwolone: {shown}",
                    en=f"{name} is {text!r}, allowed: {shown}",
                )
        return None

    return run


def _folded(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).casefold()


def _image_size(check: Check, get: Getter) -> Compiled:
    low, high, name, optional = check.min, check.max, check.field, check.if_missing_pass
    allowed = _bounds_text(low, high)

    def run(subject: Any) -> Text | None:
        images = get(subject) or ()
        for index, image in enumerate(images, start=1):
            side = getattr(image, "longer_side", None)
            if side is None:
                if optional:
                    continue
                return Text(
                    pl=f"{name}[{index}]: nieznane wymiary zdjęcia",
                    en=f"{name}[{index}]: image dimensions unknown",
                )
            if (low is not None and side < low) or (high is not None and side > high):
                size = f"{image.width}×{image.height} px"
                return Text(
                    pl=f"{name}[{index}] ma {size}, dłuższy bok musi mieć {allowed} px",
                    en=f"{name}[{index}] is {size}, the longer side must be {allowed} px",
                )
        return None

    return run


def _each(check: Check, get: Getter) -> Compiled:
    assert check.item is not None
    inner = compile_check(check.item, item=True)
    name = check.field

    def run(subject: Any) -> Text | None:
        for index, item in enumerate(get(subject) or (), start=1):
            found = inner(item)
            if found is not None:
                return Text(pl=f"{name}[{index}]: {found.pl}", en=f"{name}[{index}]: {found.en}")
        return None

    return run


def _required_if(check: Check, get: Getter, *, item: bool) -> Compiled:
    applies = compile_conditions(check.when, item=item)
    present = _present(check, get)
    return lambda subject: present(subject) if applies(subject) else None


def compile_check(check: Check, *, item: bool = False) -> Compiled:
    """The closure for ``check``; ``item`` resolves fields on list items instead of listings."""
    get = (item_getter if item else listing_getter)(check.field)
    kind = check.kind
    if kind in _MEASURES:
        unit, size = _MEASURES[kind]
        return _measure(check, get, unit, size)
    if kind is CheckKind.REQUIRED_IF:
        return _required_if(check, get, item=item)
    builders: dict[CheckKind, Callable[[Check, Getter], Compiled]] = {
        CheckKind.PRESENT: _present,
        CheckKind.REGEX: _regex,
        CheckKind.ONE_OF: _one_of,
        CheckKind.IMAGE_SIZE: _image_size,
        CheckKind.EACH: _each,
    }
    return builders[kind](check, get)


def _condition(condition: Condition, *, item: bool) -> Predicate:
    get = (item_getter if item else listing_getter)(condition.field)
    wanted = frozenset(_folded(v) for v in condition.values)
    op = condition.op
    if op is ConditionOp.PRESENT:
        expect = condition.values[0] is True
        return lambda subject: (not is_missing(get(subject))) is expect
    inside = op in (ConditionOp.EQUALS, ConditionOp.IN)

    def test(subject: Any) -> bool:
        value = get(subject)
        if is_missing(value):
            return not inside
        return (_folded(value) in wanted) is inside

    return test


def compile_conditions(conditions: tuple[Condition, ...], *, item: bool = False) -> Predicate:
    """All conditions hold (an empty tuple always holds)."""
    tests = [_condition(c, item=item) for c in conditions]
    if not tests:
        return lambda subject: True
    if len(tests) == 1:
        return tests[0]
    return lambda subject: all(test(subject) for test in tests)
