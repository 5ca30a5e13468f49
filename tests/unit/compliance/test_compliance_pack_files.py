"""Pack files: shipped packs load; a bad pack is rejected whole with file, line and reason."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from omnistock.compliance.packs import load_pack, shipped_pack_names, shipped_packs
from omnistock.domain.errors import InvalidFile, UnknownChannel

GOOD = """\
pack: house
channel: allegro
version: "1"
rules:
  - id: house.title-brand
    severity: warning
    effective_from: 2026-01-01
    source: internal
    description: {pl: Marka w tytule, en: Brand in the title}
    check: {type: regex, field: title, pattern: '(?i)acme'}
  - id: house.price
    severity: info
    effective_from: "2026-02-01"
    until: 2026-12-31
    source: internal
    description: {pl: Cena, en: Price}
    check: {type: range, field: price, min: 1}
"""


def write(tmp_path: Path, text: str, name: str = "house.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_packs_load_and_cover_three_channels() -> None:
    assert shipped_pack_names() == ["allegro", "amazon", "woocommerce"]
    packs = shipped_packs()
    assert {p.channel for p in packs} == {"allegro", "amazon", "woocommerce"}
    assert all(p.version and p.rules for p in packs)
    with pytest.raises(UnknownChannel):
        shipped_packs(("ebay",))


def test_a_seller_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, GOOD))
    assert [r.id for r in pack.rules] == ["house.title-brand", "house.price"]
    assert pack.rules[1].until is not None


# (what is broken, replacement in GOOD, expected line, words in the reason)
BAD = [
    ("unknown check type", ("type: regex", "type: eval"), 10, "unknown check type 'eval'"),
    ("bad date", ('"2026-02-01"', '"2026-02-30"'), 13, "bad date"),
    ("bad unquoted date", ("from: 2026-01-01", "from: 2026-13-01"), 7, "bad date '2026-13-01'"),
    ("date and time", ("from: 2026-01-01", "from: 2026-01-01T10:00:00"), 7, "bad date"),
    ("regex that does not compile", ("'(?i)acme'", "'acme(['"), 10, "regex does not compile"),
    ("duplicate id", ("id: house.price", "id: house.title-brand"), 11, "duplicate rule id"),
    ("unknown field", ("field: price", "field: prize"), 17, "unknown field 'prize'"),
    ("bad severity", ("severity: info", "severity: fatal"), 12, "severity"),
    ("until before start", ("until: 2026-12-31", "until: 2025-12-31"), 14, "until"),
    ("min above max", ("min: 1}", "min: 5, max: 2}"), 17, "min is above max"),
]


@pytest.mark.parametrize(("case", "change", "line", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_pack_is_rejected_with_file_line_and_reason(
    tmp_path, case, change, line, words
) -> None:
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InvalidFile) as raised:
        load_pack(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"line {line}:" in message
    assert words in message
    assert raised.value.line == line


def test_yaml_object_tags_are_refused_not_executed(tmp_path: Path) -> None:
    evil = GOOD.replace("source: internal", "source: !!python/object/apply:os.system ['true']", 1)
    with pytest.raises(InvalidFile, match=r"line 8: YAML tag .*python/object/apply:os\.system"):
        load_pack(write(tmp_path, evil))


def test_duplicate_yaml_key_and_broken_yaml_name_the_line(tmp_path: Path) -> None:
    twice = GOOD.replace("    source: internal\n", "    source: internal\n    source: again\n", 1)
    with pytest.raises(InvalidFile, match=r"house.yaml: line 9: duplicate key 'source'"):
        load_pack(write(tmp_path, twice))
    with pytest.raises(InvalidFile, match="line 3"):
        load_pack(write(tmp_path, "pack: x\nrules: [\n  - a: b\n"))


def test_toml_pack_loads_and_errors_name_the_rule(tmp_path: Path) -> None:
    toml = """\
    pack = "house"
    channel = "woocommerce"
    version = "1"

    [[rules]]
    id = "house.gtin"
    severity = "warning"
    effective_from = 2026-01-01
    source = "internal"
    description = { pl = "GTIN", en = "GTIN" }
    check = { type = "present", field = "gtin" }
    """
    assert load_pack(write(tmp_path, toml, "house.toml")).rules[0].id == "house.gtin"
    broken = toml.replace('"present"', '"exec"')
    with pytest.raises(InvalidFile, match=r"\[\[rules\]\] #1 \(id 'house.gtin'\) key check.type"):
        load_pack(write(tmp_path, broken, "broken.toml"))


def test_wrong_suffix_and_empty_file_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidFile, match=r"must be \.yaml"):
        load_pack(write(tmp_path, GOOD, "house.txt"))
    with pytest.raises(InvalidFile, match="empty"):
        load_pack(write(tmp_path, "", "empty.yaml"))
