"""Schema migrations, run programmatically: no ``alembic.ini`` is needed at run time.

Checking the revision (every CLI command does it on start) does not import Alembic, which loads
the DDL code of every dialect: the head is read from the revision files' ``revision`` and
``down_revision`` assignments and the current revision from the ``alembic_version`` table. Alembic
itself answers whenever the files are not one plain chain (``tests/integration/store`` checks both
ways agree).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["MIGRATIONS", "alembic_config", "current_revision", "head_revision", "upgrade_to_head"]

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the migrations shipped in this package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision, in one transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def head_revision() -> str | None:
    """The newest revision id shipped with this version of omnistock."""
    head = _single_head_from_files()
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
        if len(rows) <= 1:
            return str(rows[0][0]) if rows else None
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()  # raises: 2 heads


def _single_head_from_files() -> str | None:
    """The one head of the revision files, or None when they are anything but a plain chain."""
    links: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        if path.name == "__init__.py":
            continue
        found = _revision_link(path)
        if found is None:
            return None
        revision, down = found
        links[revision] = down
    downs = set(links.values())
    heads = [revision for revision in links if revision not in downs]
    bases = [revision for revision, down in links.items() if down is None]
    dangling = any(down is not None and down not in links for down in downs)
    if len(heads) != 1 or len(bases) != 1 or len(downs) != len(links) or dangling:
        return None
    return heads[0]


def _revision_link(path: Path) -> tuple[str, str | None] | None:
    """``(revision, down_revision)`` assigned at module level as plain literals, else None."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            if not isinstance(value, ast.Constant):
                return None
            values[target.id] = value.value
    revision, down = values.get("revision"), values.get("down_revision", ...)
    if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
        return None
    return revision, down
