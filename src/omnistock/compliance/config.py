"""The ``[compliance]`` table of ``omnistock.toml``, validated strictly (field-named errors).

```toml
[compliance]
packs = ["rules/house.yaml"]      # seller packs, added to the shipped ones (relative to this file)
shipped = true                    # use the packs shipped with omnistock
upcoming_days = 30                # look-ahead for rules that start soon
lang = "pl"                       # language of messages: pl | en
state = "compliance-state.json"   # what daily runs already alerted on
block_push = false                # worker: hold pushes of offers breaking an error rule in force
daily = true                      # worker: check once a day, store results, raise incidents
listings = ["listings.csv"]       # worker: listing files checked daily (relative to this file)
from_channels = true              # worker: also read the offers of configured Allegro accounts
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omnistock.domain.compliance import Lang
from omnistock.domain.errors import InvalidValue

__all__ = ["ComplianceConfig"]

_KEYS = {
    "packs",
    "shipped",
    "upcoming_days",
    "lang",
    "state",
    "block_push",
    "daily",
    "listings",
    "from_channels",
}


def _bool(section: Mapping[str, Any], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise InvalidValue("must be true or false", field=f"compliance.{key}")
    return value


def _path(value: object, key: str, base: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("must be a file path", field=f"compliance.{key}")
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceConfig:
    """Where rule packs come from and how checks report."""

    packs: tuple[Path, ...] = ()
    shipped: bool = True
    upcoming_days: int = 30
    lang: Lang = Lang.PL
    state: Path | None = None
    block_push: bool = False
    daily: bool = True
    listings: tuple[Path, ...] = ()
    from_channels: bool = True

    @classmethod
    def from_section(cls, section: Mapping[str, Any], base: Path) -> ComplianceConfig:
        """Read the table; relative paths are relative to ``base`` (the config file's folder)."""
        unknown = sorted(set(section) - _KEYS)
        if unknown:
            raise InvalidValue(f"unknown key(s) {', '.join(unknown)}", field="compliance")
        packs = section.get("packs", [])
        if not isinstance(packs, list):
            raise InvalidValue("must be a list of file paths", field="compliance.packs")
        listings = section.get("listings", [])
        if not isinstance(listings, list):
            raise InvalidValue("must be a list of file paths", field="compliance.listings")
        days = section.get("upcoming_days", 30)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise InvalidValue("must be a whole number ≥ 0", field="compliance.upcoming_days")
        try:
            lang = Lang(section.get("lang", "pl"))
        except ValueError:
            raise InvalidValue("must be 'pl' or 'en'", field="compliance.lang") from None
        state = section.get("state")
        return cls(
            packs=tuple(_path(p, "packs", base) for p in packs),
            shipped=_bool(section, "shipped", True),
            upcoming_days=days,
            lang=lang,
            state=_path(state, "state", base) if state is not None else None,
            block_push=_bool(section, "block_push", False),
            daily=_bool(section, "daily", True),
            listings=tuple(_path(p, "listings", base) for p in listings),
            from_channels=_bool(section, "from_channels", True),
        )
