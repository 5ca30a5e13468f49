"""Parsing CLI arguments into domain values: every bad value names its field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from omnistock.domain.errors import InvalidFile, InvalidValue
from omnistock.domain.ids import ChannelId, ChannelKind
from omnistock.entrypoints.cli import values
from omnistock.entrypoints.cli.render import to_json
from omnistock.service.ports import ChannelAccount


def test_shares_accept_percent_signs_and_decimal_commas() -> None:
    parsed = values.shares(["allegro=60", "sklep = 12,5%"])
    assert parsed == {"allegro": Decimal(60), "sklep": Decimal("12.5")}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["allegro"], "CHANNEL=VALUE"),  # no "="
        (["=10"], "CHANNEL=VALUE"),  # no channel
        (["allegro=ten"], "not a number"),  # not a number
        (["allegro=10", "allegro=20"], "twice"),  # the same channel twice
        (["allegro=NaN"], "not a number"),  # not finite
    ],
)
def test_bad_shares_name_the_share_field(items: list[str], message: str) -> None:
    with pytest.raises(InvalidValue, match=message) as info:
        values.shares(items)
    assert info.value.field == "share"


def test_caps_are_whole_numbers() -> None:
    assert values.caps(["meta=5"]) == {"meta": 5}
    with pytest.raises(InvalidValue) as info:
        values.caps(["meta=2.5"])
    assert info.value.field == "max_listed"


def test_percent_is_a_fraction() -> None:
    assert values.percent("12.5%", field="floor") == Decimal("0.125")


@pytest.mark.parametrize(("text", "expected"), [("-3", -3), ("+5", 5), (" 7 ", 7)])
def test_integers_keep_their_sign(text: str, expected: int) -> None:
    assert values.integer(text, field="delta") == expected


def test_non_integer_names_the_field() -> None:
    with pytest.raises(InvalidValue) as info:
        values.integer("1e3", field="delta")
    assert info.value.field == "delta"


def test_read_text_drops_a_bom_and_rejects_non_utf8(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes("\ufeffsku,name\n".encode())
    assert values.read_text(good) == "sku,name\n"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"sku,name\nA,\xff\n")
    with pytest.raises(InvalidFile, match="not UTF-8"):
        values.read_text(bad)


def test_data_rows_counts_non_blank_lines_after_the_header() -> None:
    assert values.data_rows("sku,qty\nA,1\n\nB,2\n") == 2
    assert values.data_rows("") == 0


def test_plain_values_become_json() -> None:
    account = ChannelAccount(name=ChannelId("allegro-main"), kind=ChannelKind.ALLEGRO)
    data = values.plain([account, {"share": Decimal("12.5"), "whole": Decimal("60")}])
    assert to_json(data).replace(" ", "").replace("\n", "") == (
        '[{"name":"allegro-main","kind":"allegro"},{"share":12.5,"whole":60}]'
    )
