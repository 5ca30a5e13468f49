"""Load rule packs from YAML (``.yaml``/``.yml``) or TOML (``.toml``) files, safely.

YAML is composed with PyYAML's ``SafeLoader`` (no object tags, nothing executed) and the node
marks are kept, so a rejected pack names the file, the line and the reason. TOML has no line
information in ``tomllib``; its errors name the rule (index and id) and key instead.
Shipped packs live in ``omnistock/compliance/packs/`` as package data.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from omnistock.domain.compliance import PackError, RulePack, parse_pack
from omnistock.domain.compliance.parse import Path as ValuePath
from omnistock.domain.errors import InvalidFile, UnknownChannel

__all__ = ["load_pack", "load_pack_text", "shipped_pack_names", "shipped_packs"]

_SUFFIXES = (".yaml", ".yml", ".toml")
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}


def _at(origin: str, line: int | None, reason: str) -> InvalidFile:
    """``origin: line N: reason`` with ``.line`` set."""
    error = InvalidFile(f"{origin}: line {line}: {reason}" if line else f"{origin}: {reason}")
    error.line = line
    return error


@dataclass
class _Located:
    """Plain data plus the 1-based line of every value path."""

    data: Any
    lines: dict[ValuePath, int]


def _compose(text: str, origin: str) -> _Located:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _at(origin, None, "the file is empty")
        lines: dict[ValuePath, int] = {}
        return _Located(_convert(loader, node, (), lines, origin), lines)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise _at(origin, line, f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise _at(origin, None, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def _convert(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: ValuePath,
    lines: dict[ValuePath, int],
    origin: str,
) -> Any:
    line = lines[path] = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise _at(origin, line, f"YAML tag {node.tag!r} is not allowed in a rule pack")
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise _at(origin, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            result[key] = _convert(loader, value_node, (*path, key), lines, origin)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, (*path, i), lines, origin) for i, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError) as exc:
        what = "bad date" if node.tag.endswith(":timestamp") else "bad value"
        raise _at(origin, line, f"{what} {node.value!r}: {exc}") from None


def _line(lines: dict[ValuePath, int], path: ValuePath) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _toml_where(data: Any, path: ValuePath) -> str:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rules = data.get("rules") if isinstance(data, dict) else None
        rule = rules[path[1]] if isinstance(rules, list) and path[1] < len(rules) else None
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        rest = ".".join(str(p) for p in path[2:])
        return f"[[rules]] #{path[1] + 1} (id {rule_id!r}){' key ' + rest if rest else ''}"
    return "key " + ".".join(str(p) for p in path) if path else "top level"


def load_pack_text(text: str, origin: str, *, toml: bool = False) -> RulePack:
    """Parse and validate a pack's text; ``origin`` (a file name) is used in error messages."""
    if toml:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidFile(f"{origin}: not valid TOML: {exc}") from None
        try:
            return parse_pack(data, origin=origin)
        except PackError as exc:
            raise InvalidFile(f"{origin}: {_toml_where(data, exc.path)}: {exc.message}") from None
    located = _compose(text, origin)
    try:
        return parse_pack(located.data, origin=origin)
    except PackError as exc:
        line = _line(located.lines, exc.path)
        where = ".".join(str(p) for p in exc.path)
        reason = f"{where}: {exc.message}" if where else exc.message
        raise _at(origin, line, reason) from None


def load_pack(path: Path) -> RulePack:
    """Load one pack file (the suffix picks YAML or TOML)."""
    if path.suffix.lower() not in _SUFFIXES:
        raise InvalidFile(f"{path}: a rule pack must be .yaml, .yml or .toml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile(f"{path}: cannot read: {exc}") from None
    return load_pack_text(text, str(path), toml=path.suffix.lower() == ".toml")


def _shipped_files() -> Iterator[Any]:
    folder = resources.files("omnistock.compliance") / "packs"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(_SUFFIXES):
            yield entry


def shipped_pack_names() -> list[str]:
    """Names (file stems) of the packs shipped with omnistock."""
    return [entry.name.rsplit(".", 1)[0] for entry in _shipped_files()]


def shipped_packs(channels: tuple[str, ...] = ()) -> list[RulePack]:
    """The shipped packs, optionally only those for ``channels``."""
    packs = [
        load_pack_text(
            entry.read_text(encoding="utf-8"),
            f"omnistock/compliance/packs/{entry.name}",
            toml=entry.name.endswith(".toml"),
        )
        for entry in _shipped_files()
    ]
    known = {p.channel for p in packs}
    for channel in channels:
        if channel not in known:
            raise UnknownChannel(f"no shipped rule pack for {channel!r}", field="channel")
    return [p for p in packs if not channels or p.channel in channels]
