"""The ``[compliance]`` table: defaults, relative paths, field-named errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnistock.compliance.config import ComplianceConfig
from omnistock.domain.compliance import Lang
from omnistock.domain.errors import InvalidValue


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    assert ComplianceConfig.from_section({}, tmp_path) == ComplianceConfig()
    config = ComplianceConfig.from_section(
        {"packs": ["rules/house.yaml", "/abs/x.yaml"], "lang": "en", "state": "s.json",
         "upcoming_days": 60, "shipped": False, "block_push": True},
        tmp_path,
    )  # fmt: skip
    assert config.packs == (tmp_path / "rules/house.yaml", Path("/abs/x.yaml"))
    assert config.state == tmp_path / "s.json"
    assert (config.lang, config.upcoming_days, config.shipped, config.block_push) == (
        Lang.EN,
        60,
        False,
        True,
    )
    worker = ComplianceConfig.from_section(
        {"listings": ["l.csv"], "daily": False, "from_channels": False}, tmp_path
    )
    assert (worker.listings, worker.daily, worker.from_channels) == (
        (tmp_path / "l.csv",),
        False,
        False,
    )


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ({"pack": []}, "compliance"),  # a typo of "packs"
        ({"packs": "house.yaml"}, "compliance.packs"),
        ({"packs": [""]}, "compliance.packs"),
        ({"upcoming_days": -1}, "compliance.upcoming_days"),
        ({"upcoming_days": True}, "compliance.upcoming_days"),
        ({"lang": "de"}, "compliance.lang"),
        ({"shipped": "yes"}, "compliance.shipped"),
        ({"state": 3}, "compliance.state"),
        ({"listings": "a.csv"}, "compliance.listings"),
        ({"listings": [1]}, "compliance.listings"),
        ({"daily": 1}, "compliance.daily"),
        ({"from_channels": "no"}, "compliance.from_channels"),
    ],
)
def test_bad_values_name_the_key(section, field, tmp_path: Path) -> None:
    with pytest.raises(InvalidValue) as raised:
        ComplianceConfig.from_section(section, tmp_path)
    assert raised.value.field == field
