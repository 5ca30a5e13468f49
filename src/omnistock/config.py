"""Settings: read once, from an injectable environment mapping and an optional TOML file.

Precedence for the database URL: ``db_url`` argument (``--db``) > ``OMNISTOCK_DB`` >
``[database] url`` in the config file > ``sqlite:///./omnistock.db``. The config file is the
``config_file`` argument (``--config``) or ``OMNISTOCK_CONFIG``. Nothing is read at import time.

Sections for later areas (``channels``, ``sync``, ``notify``, ``invoicing``, ``privacy``,
``compliance``, ``api``) are optional tables kept as read; each area validates its own section.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from omnistock.domain.errors import InvalidValue

DEFAULT_DB_URL = "sqlite:///./omnistock.db"
ENV_DB = "OMNISTOCK_DB"
ENV_CONFIG = "OMNISTOCK_CONFIG"
AREA_SECTIONS = (
    "channels",
    "sync",
    "notify",
    "invoicing",
    "privacy",
    "compliance",
    "api",
    "safety",
)
"""Optional tables owned by later areas; parsed leniently (must be tables, content kept)."""

_DATABASE_KEYS: Mapping[str, type] = {"url": str}


class ConfigError(InvalidValue):
    """The configuration is invalid; ``field`` names the offending key (e.g. ``database.url``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything omnistock needs to know about its environment, as one frozen value."""

    db_url: str = DEFAULT_DB_URL
    config_file: Path | None = None
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        """One later-area table (``channels``, ``notify``…), empty when absent."""
        return self.sections.get(name, {})

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        *,
        config_file: Path | None = None,
        db_url: str | None = None,
    ) -> Settings:
        """Build settings from ``environ`` (e.g. ``os.environ``), a TOML file and flags."""
        path = config_file or _path_or_none(environ.get(ENV_CONFIG))
        data = load_toml(path) if path else {}
        database, sections = _split(data)
        url = db_url or environ.get(ENV_DB) or database.get("url") or DEFAULT_DB_URL
        if not url.strip():
            raise ConfigError("database URL must not be empty", field="database.url")
        frozen = MappingProxyType({k: MappingProxyType(dict(v)) for k, v in sections.items()})
        return cls(db_url=url, config_file=path, sections=frozen)


def _path_or_none(value: str | None) -> Path | None:
    return Path(value) if value and value.strip() else None


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a missing file or a syntax error is a :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} not found", field="config") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {str(path)!r}: {exc}", field="config") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}", field="config") from exc


def _split(data: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Mapping[str, Any]]]:
    """Validate the top level: ``database`` strictly, later-area sections leniently."""
    database: dict[str, str] = {}
    sections: dict[str, Mapping[str, Any]] = {}
    for key, value in data.items():
        if key == "database":
            database = _database(value)
        elif key in AREA_SECTIONS:
            sections[key] = _table(value, key)
        else:
            known = ", ".join(("database", *AREA_SECTIONS))
            raise ConfigError(f"unknown key (known: {known})", field=key)
    return database, sections


def _database(value: object) -> dict[str, str]:
    table = _table(value, "database")
    for key, item in table.items():
        expected = _DATABASE_KEYS.get(key)
        if expected is None:
            raise ConfigError("unknown key (known: url)", field=f"database.{key}")
        if not isinstance(item, expected):
            raise ConfigError(
                f"must be a {expected.__name__}, got {type(item).__name__}",
                field=f"database.{key}",
            )
    return dict(table)


def _table(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"must be a table, got {type(value).__name__}", field=name)
    return value
