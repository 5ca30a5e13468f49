"""``omnistock.domain.invoicing`` imports only the standard library and the domain itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import omnistock.domain.invoicing as package

PACKAGE_DIR = Path(package.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_invoicing_domain_imports_only_stdlib_and_domain() -> None:
    files = sorted(PACKAGE_DIR.glob("*.py"))
    assert len(files) > 5
    for path in files:
        for name in imported_modules(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or name.startswith("omnistock.domain")
            assert allowed, f"{path.name} imports {name}"


def test_public_surface_is_declared() -> None:
    assert sorted(package.__all__) == sorted(set(package.__all__))
    for name in package.__all__:
        assert hasattr(package, name), name
