"""Build a :class:`RulePack` from plain data (what YAML/TOML/JSON give) and validate all of it.

Every problem raises :class:`PackError` carrying the path to the offending value, e.g.
``("rules", 3, "check", "pattern")``; the file loader turns the path into a line number.
Nothing in a pack is executed: check types come from a closed list, regexes are compiled here
once to prove they are valid.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from omnistock.domain.compliance.fields import item_getter, listing_getter
from omnistock.domain.compliance.rules import (
    Check,
    CheckKind,
    Condition,
    ConditionOp,
    Rule,
    RulePack,
    RuleSeverity,
    Text,
)
from omnistock.domain.errors import InvalidValue

__all__ = ["PackError", "Path", "parse_check", "parse_pack"]

Path = tuple[str | int, ...]
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_PACK_KEYS = {"pack", "channel", "version", "description", "rules"}
_RULE_KEYS = {"id", "description", "fix", "severity", "effective_from", "until", "source"}
_RULE_KEYS |= {"check", "when"}
_BOUNDS = {"field", "min", "max", "if_missing"}
_CHECK_KEYS: dict[CheckKind, set[str]] = {
    CheckKind.PRESENT: {"field"},
    CheckKind.REQUIRED_IF: {"field", "when"},
    CheckKind.LENGTH: _BOUNDS,
    CheckKind.WORD_COUNT: _BOUNDS,
    CheckKind.COUNT: _BOUNDS,
    CheckKind.RANGE: _BOUNDS,
    CheckKind.REGEX: {"field", "pattern", "forbid", "if_missing"},
    CheckKind.ONE_OF: {"field", "values", "forbid", "if_missing"},
    CheckKind.IMAGE_SIZE: {"field", "longer_side_min", "longer_side_max", "if_missing"},
    CheckKind.EACH: {"field", "check"},
}


class PackError(InvalidValue):
    """A rule pack is invalid; ``path`` points at the offending value."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message, field=".".join(str(p) for p in path) or None)
        self.path = path


def _map(raw: object, path: Path, allowed: set[str]) -> Mapping[str, object]:
    if not isinstance(raw, Mapping):
        raise PackError("expected a mapping (key: value)", path)
    for key in raw:
        if key not in allowed:
            raise PackError(f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})", path)
    return raw


def _text(raw: Mapping[str, object], key: str, path: Path, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{key} must be a non-empty text", (*path, key))
    return value


def _bilingual(raw: object, path: Path) -> Text:
    mapping = _map(raw, path, {"pl", "en"})
    return Text(pl=_text(mapping, "pl", path), en=_text(mapping, "en", path))


def _date(raw: object, path: Path) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise PackError(f"bad date {raw!r}: expected YYYY-MM-DD", path)


def _number(raw: object, path: Path) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise PackError(f"expected a number, got {raw!r}", path)
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise PackError(f"expected a number, got {raw!r}", path) from None


def _field(raw: Mapping[str, object], path: Path, *, item: bool) -> str:
    name = _text(raw, "field", path)
    try:
        (item_getter if item else listing_getter)(name)
    except InvalidValue as exc:
        raise PackError(exc.message, (*path, "field")) from None
    return name


def _strings(raw: object, path: Path) -> tuple[str, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise PackError("expected a non-empty list", path)
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in raw):
        raise PackError("list items must be texts", path)
    return tuple(str(v) for v in raw)


def _condition(raw: object, path: Path, *, item: bool) -> Condition:
    mapping = _map(raw, path, {"field", *ConditionOp})
    ops = [op for op in ConditionOp if op in mapping]
    if len(ops) != 1:
        raise PackError("a condition needs a field and exactly one operator", path)
    op = ops[0]
    value = mapping[op]
    if op is ConditionOp.PRESENT:
        if not isinstance(value, bool):
            raise PackError("present takes true or false", (*path, op))
        values: tuple[str | bool, ...] = (value,)
    elif op in (ConditionOp.IN, ConditionOp.NOT_IN):
        values = _strings(value, (*path, op))
    elif isinstance(value, bool):
        values = (value,)
    else:
        values = _strings([value], (*path, op))
    return Condition(field=_field(mapping, path, item=item), op=op, values=values)


def _conditions(raw: object, path: Path, *, item: bool = False) -> tuple[Condition, ...]:
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise PackError("when must be a condition or a non-empty list of conditions", path)
    return tuple(_condition(c, (*path, i), item=item) for i, c in enumerate(raw))


def _bounds(raw: Mapping[str, object], path: Path, *names: str) -> tuple[Decimal | None, ...]:
    found = tuple(_number(raw[n], (*path, n)) if n in raw else None for n in names)
    if all(b is None for b in found):
        raise PackError(f"needs at least one of {', '.join(names)}", path)
    low, high = found[0], found[1]
    if low is not None and high is not None and low > high:
        raise PackError(f"{names[0]} is above {names[1]}", path)
    return found


def _flag(raw: Mapping[str, object], key: str, path: Path) -> bool:
    value = raw.get(key, False)
    if key == "if_missing":
        if value is False or value in ("fail", "pass"):
            return value == "pass"
        raise PackError("if_missing must be 'fail' or 'pass'", (*path, key))
    if not isinstance(value, bool):
        raise PackError(f"{key} must be true or false", (*path, key))
    return value


def _kind(raw: object, path: Path) -> tuple[CheckKind, Mapping[str, object]]:
    if not isinstance(raw, Mapping):
        raise PackError("check must be a mapping with a type", path)
    name = raw.get("type")
    try:
        kind = CheckKind(str(name))
    except ValueError:
        known = ", ".join(k.value for k in CheckKind)
        raise PackError(f"unknown check type {name!r} (known: {known})", (*path, "type")) from None
    return kind, _map(raw, path, _CHECK_KEYS[kind] | {"type"})


def parse_check(raw: object, path: Path, *, item: bool = False) -> Check:
    """One check (``item``: inside ``each``, fields name the list item's fields)."""
    kind, spec = _kind(raw, path)
    base = Check(kind=kind, field=_field(spec, path, item=item))
    common = {"if_missing_pass": _flag(spec, "if_missing", path)}
    if kind in (CheckKind.LENGTH, CheckKind.WORD_COUNT, CheckKind.COUNT, CheckKind.RANGE):
        low, high = _bounds(spec, path, "min", "max")
        return _replace(base, min=low, max=high, **common)
    if kind is CheckKind.IMAGE_SIZE:
        low, high = _bounds(spec, path, "longer_side_min", "longer_side_max")
        return _replace(base, min=low, max=high, **common)
    if kind is CheckKind.REGEX:
        pattern = _text(spec, "pattern", path)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PackError(f"regex does not compile: {exc}", (*path, "pattern")) from None
        return _replace(base, pattern=pattern, forbid=_flag(spec, "forbid", path), **common)
    if kind is CheckKind.ONE_OF:
        values = _strings(spec.get("values"), (*path, "values"))
        return _replace(base, values=values, forbid=_flag(spec, "forbid", path), **common)
    if kind is CheckKind.REQUIRED_IF:
        return _replace(base, when=_conditions(spec.get("when"), (*path, "when"), item=item))
    if kind is CheckKind.EACH:
        if item:
            raise PackError("each cannot be nested", (*path, "type"))
        return _replace(base, item=parse_check(spec.get("check"), (*path, "check"), item=True))
    return base


def _replace(check: Check, **changes: Any) -> Check:
    return dataclasses.replace(check, **changes)


def _rule(raw: object, path: Path) -> Rule:
    spec = _map(raw, path, _RULE_KEYS)
    rule_id = _text(spec, "id", path)
    if not _ID.match(rule_id):
        raise PackError(f"bad rule id {rule_id!r}: letters, digits, '.', '_', '-'", (*path, "id"))
    description = _bilingual(spec.get("description"), (*path, "description"))
    start = _date(spec.get("effective_from"), (*path, "effective_from"))
    until = _date(spec["until"], (*path, "until")) if spec.get("until") is not None else None
    if until is not None and until <= start:
        raise PackError("until must be after effective_from", (*path, "until"))
    try:
        severity = RuleSeverity(str(spec.get("severity")))
    except ValueError:
        raise PackError("severity must be error, warning or info", (*path, "severity")) from None
    fix = spec.get("fix")
    return Rule(
        id=rule_id,
        description=description,
        fix=_bilingual(fix, (*path, "fix")) if fix is not None else description,
        severity=severity,
        effective_from=start,
        until=until,
        source=_text(spec, "source", path),
        check=parse_check(spec.get("check"), (*path, "check")),
        when=_conditions(spec["when"], (*path, "when")) if "when" in spec else (),
    )


def parse_pack(raw: object, *, origin: str = "") -> RulePack:
    """Validate the whole pack; the first problem raises :class:`PackError` (nothing partial)."""
    spec = _map(raw, (), _PACK_KEYS)
    rules_raw = spec.get("rules")
    if not isinstance(rules_raw, Sequence) or isinstance(rules_raw, str) or not rules_raw:
        raise PackError("rules must be a non-empty list", ("rules",))
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw_rule in enumerate(rules_raw):
        rule = _rule(raw_rule, ("rules", index))
        if rule.id in seen:
            raise PackError(f"duplicate rule id {rule.id!r}", ("rules", index, "id"))
        seen.add(rule.id)
        rules.append(rule)
    version = spec.get("version")
    if not isinstance(version, str | int | float) or isinstance(version, bool) or not str(version):
        raise PackError("version must be given (e.g. '2026.11.1')", ("version",))
    return RulePack(
        name=_text(spec, "pack", ()),
        channel=_text(spec, "channel", ()),
        version=str(version),
        description=_text(spec, "description", (), required=False),
        rules=tuple(rules),
        origin=origin,
    )
