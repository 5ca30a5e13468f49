"""Settings precedence, TOML validation and the no-environment-at-import rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from omnistock.config import DEFAULT_DB_URL, ConfigError, Settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "omnistock.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return write(tmp_path, '[database]\nurl = "sqlite:///from-file.db"\n')


@pytest.mark.parametrize(
    ("flag", "env", "use_file", "expected"),
    [
        # the --db flag beats everything
        ("sqlite:///flag.db", "sqlite:///env.db", True, "sqlite:///flag.db"),
        # OMNISTOCK_DB beats the file
        (None, "sqlite:///env.db", True, "sqlite:///env.db"),
        # the file beats the default
        (None, None, True, "sqlite:///from-file.db"),
        # nothing given: the default
        (None, None, False, DEFAULT_DB_URL),
    ],
)
def test_db_url_precedence_is_flag_env_file_default(
    config_file: Path, flag: str | None, env: str | None, use_file: bool, expected: str
) -> None:
    environ = {"OMNISTOCK_DB": env} if env else {}
    settings = Settings.from_env(
        environ, config_file=config_file if use_file else None, db_url=flag
    )
    assert settings.db_url == expected


def test_config_file_comes_from_environment_when_no_flag(config_file: Path) -> None:
    settings = Settings.from_env({"OMNISTOCK_CONFIG": str(config_file)})
    assert settings.config_file == config_file
    assert settings.db_url == "sqlite:///from-file.db"


def test_config_flag_beats_environment_config(config_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[database]\nurl = "sqlite:///other.db"\n', encoding="utf-8")
    settings = Settings.from_env({"OMNISTOCK_CONFIG": str(other)}, config_file=config_file)
    assert settings.db_url == "sqlite:///from-file.db"


def test_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[databse]\nurl = "x"\n')
    with pytest.raises(ConfigError, match=r"^databse: unknown key") as info:
        Settings.from_env({}, config_file=path)
    assert info.value.field == "databse"


def test_unknown_database_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite://"\npool = 5\n')
    with pytest.raises(ConfigError, match=r"^database\.pool: unknown key") as info:
        Settings.from_env({}, config_file=path)
    assert info.value.field == "database.pool"


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[database]\nurl = 5\n")
    with pytest.raises(ConfigError, match=r"^database\.url: must be a str, got int$"):
        Settings.from_env({}, config_file=path)


def test_section_that_is_not_a_table_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, 'notify = "sms"\n')
    with pytest.raises(ConfigError, match=r"^notify: must be a table") as info:
        Settings.from_env({}, config_file=path)
    assert info.value.field == "notify"


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[database\nurl = \n")
    with pytest.raises(ConfigError, match="invalid TOML") as info:
        Settings.from_env({}, config_file=path)
    assert str(path) in str(info.value)
    assert info.value.field == "config"


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        Settings.from_env({}, config_file=tmp_path / "absent.toml")


def test_later_area_sections_are_kept_leniently(tmp_path: Path) -> None:
    path = write(tmp_path, '[notify]\nsms_token_env = "X"\n[channels.allegro-main]\nkind = 1\n')
    settings = Settings.from_env({}, config_file=path)
    assert settings.section("notify") == {"sms_token_env": "X"}
    assert settings.section("channels") == {"allegro-main": {"kind": 1}}
    assert settings.section("privacy") == {}


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})
    with pytest.raises(AttributeError):
        settings.db_url = "sqlite://"  # type: ignore[misc]


def test_empty_database_url_is_rejected() -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({}, db_url=" ")
    assert info.value.field == "database.url"


def test_importing_config_reads_no_environment() -> None:
    probe = (
        "import os, sys\n"
        "class Spy(dict):\n"
        "    def check(self, k):\n"
        "        if str(k).startswith('OMNISTOCK'): raise SystemExit('read ' + k)\n"
        "    def __getitem__(self, k): self.check(k); return super().__getitem__(k)\n"
        "    def __contains__(self, k): self.check(k); return super().__contains__(k)\n"
        "    def get(self, k, d=None): self.check(k); return super().get(k, d)\n"
        "os.environ = Spy(os.environ)\n"
        "os.environ['OMNISTOCK_DB'] = 'sqlite:///must-not-be-read.db'\n"
        "import omnistock.config, omnistock.bootstrap, omnistock.entrypoints.cli as cli\n"
        "cli._register()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip() == "ok"
