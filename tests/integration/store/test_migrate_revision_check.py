"""The start-up revision check without Alembic agrees with Alembic (``store/migrate.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, text

from omnistock.store import migrate
from omnistock.store.engine import make_engine


def _alembic_head() -> str | None:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_head_read_from_the_files_is_alembics_head() -> None:
    head = migrate._single_head_from_files()
    assert head is not None  # the shipped migrations are one plain chain
    assert head == _alembic_head() == migrate.head_revision()


def test_current_revision_agrees_with_alembic(engine: Engine) -> None:
    with engine.connect() as conn:
        expected = MigrationContext.configure(conn).get_current_revision()
    assert migrate.current_revision(engine) == expected == migrate.head_revision()


def test_an_empty_database_has_no_revision(empty_db_url: str) -> None:
    empty = make_engine(empty_db_url)
    try:
        assert migrate.current_revision(empty) is None
    finally:
        empty.dispose()


def test_two_rows_in_the_version_table_are_refused_as_alembic_does(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('other')"))
    with pytest.raises(CommandError):
        migrate.current_revision(engine)


def _copy_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(migrate.MIGRATIONS, tmp_path / "migrations")
    monkeypatch.setattr(migrate, "MIGRATIONS", tmp_path / "migrations")
    return tmp_path / "migrations" / "versions"


def test_a_branch_is_left_to_alembic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = _copy_versions(tmp_path, monkeypatch)
    head = migrate.head_revision()
    (versions / "9999_branch.py").write_text(
        f'revision = "9999_branch"\ndown_revision = "{_first(versions)}"\n'
        "def upgrade() -> None: ...\ndef downgrade() -> None: ...\n"
    )
    assert migrate._single_head_from_files() is None
    with pytest.raises(CommandError, match="multiple heads"):
        migrate.head_revision()
    (versions / "9999_branch.py").write_text(
        f'revision = "9999_next"\ndown_revision = "{head}"\n'
        "def upgrade() -> None: ...\ndef downgrade() -> None: ...\n"
    )
    assert migrate.head_revision() == "9999_next" == _alembic_head()


def test_computed_revision_values_are_left_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = _copy_versions(tmp_path, monkeypatch)
    head = migrate.head_revision()
    (versions / "9999_computed.py").write_text(
        f'revision = "9999_" + "computed"\ndown_revision = "{head}"\n'
        "def upgrade() -> None: ...\ndef downgrade() -> None: ...\n"
    )
    assert migrate._single_head_from_files() is None
    assert migrate.head_revision() == "9999_computed"


def _first(versions: Path) -> str:
    return min(p.stem for p in versions.glob("0*.py"))
