"""``omnistock.domain`` is pure: it imports the standard library and itself, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "src" / "omnistock" / "domain"
ALLOWED_PREFIX = "omnistock.domain"


def module_name(path: Path) -> str:
    """``…/src/omnistock/domain/x/y.py`` → ``omnistock.domain.x.y`` (packages without __init__)."""
    parts = path.relative_to(DOMAIN.parents[1]).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(
    source: str, module: str, *, is_package: bool = False
) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``, relative ones resolved."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, name))
        elif isinstance(node, ast.Call) and _dynamic_import(node):
            found.append((node.lineno, "<dynamic import>"))
    return found


def _dynamic_import(node: ast.Call) -> bool:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name in ("__import__", "import_module")


def forbidden(imports: list[tuple[int, str]]) -> list[str]:
    bad = []
    for line, name in imports:
        top = name.split(".")[0]
        inside = name == ALLOWED_PREFIX or name.startswith(ALLOWED_PREFIX + ".")
        if not inside and top not in sys.stdlib_module_names:
            bad.append(f"{line}: {name}")
    return bad


def domain_files() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


def test_domain_has_modules() -> None:
    assert len(domain_files()) >= 10  # the walker really sees the package


@pytest.mark.parametrize("path", domain_files(), ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_imports_only_stdlib_and_domain(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    imports = imported_modules(source, module_name(path), is_package=path.name == "__init__.py")
    assert forbidden(imports) == []


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("import sqlalchemy\n", ["1: sqlalchemy"]),  # a third-party package
        ("from omnistock.store import tables\n", ["1: omnistock.store"]),  # another layer
        ("import omnistock\n", ["1: omnistock"]),  # the top package itself
        ("from ..service import x\n", ["1: omnistock.service"]),  # relative, leaving domain
        ("import os\n\ndef f():\n    import httpx\n", ["4: httpx"]),  # nested import
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pydantic\n",
            ["3: pydantic"],
        ),
        ("m = __import__('httpx')\n", ["1: <dynamic import>"]),  # dynamic import
        ("import decimal, fractions\nfrom . import ids\n", []),  # stdlib and domain: fine
        ("from .ids import Sku\nfrom omnistock.domain.errors import InvalidValue\n", []),
    ],
)
def test_walker_catches_forbidden_imports(source: str, bad: list[str]) -> None:
    assert forbidden(imported_modules(source, "omnistock.domain.allocation")) == bad
