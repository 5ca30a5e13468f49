"""The API and dashboard write no SQL: no table objects, no query constructs (DESIGN §3, R10).

Their reads go through ``store/`` repositories; only the ``Engine`` type may be imported from
SQLAlchemy (to pass it on).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2] / "src" / "omnistock" / "entrypoints" / "api"


def sql_imports(source: str) -> list[str]:
    """Imports of SQLAlchemy names other than ``Engine`` and of store table modules."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] == "sqlalchemy":
                bad += [f"{node.module}.{a.name}" for a in node.names if a.name != "Engine"]
            elif node.module.startswith("omnistock.store.") and node.module.endswith("tables"):
                bad.append(node.module)
    return bad


def api_files() -> list[Path]:
    return sorted(API.rglob("*.py"))


@pytest.mark.parametrize("path", api_files(), ids=lambda p: str(p.relative_to(API)))
def test_api_module_has_no_sql(path: Path) -> None:
    assert sql_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("from sqlalchemy import Engine\n", []),  # the type, passed on to repositories
        ("from sqlalchemy import select, Engine\n", ["sqlalchemy.select"]),  # a query construct
        ("import sqlalchemy as sa\n", ["sqlalchemy"]),  # the whole package
        ("from omnistock.store.sync_tables import x\n", ["omnistock.store.sync_tables"]),
        ("from omnistock.store.tables import listings\n", ["omnistock.store.tables"]),
        ("from omnistock.store.sync_repository import SyncStore\n", []),  # a repository
    ],
)
def test_detects_sql_in_the_api(source: str, bad: list[str]) -> None:
    assert sql_imports(source) == bad
