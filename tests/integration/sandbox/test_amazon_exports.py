"""Every module of ``omnistock.sandbox.amazon`` lists exactly its public names in ``__all__``."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import omnistock.sandbox.amazon as package

MODULES = sorted(info.name for info in pkgutil.iter_modules(package.__path__))


def _public_definitions(module: object) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {name for name in names if not name.startswith("_")}


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_public_classes_and_functions_are_listed(name: str) -> None:
    module = importlib.import_module(f"{package.__name__}.{name}")
    exported = set(module.__all__)
    assert all(hasattr(module, item) for item in exported)
    defined = _public_definitions(module)
    callables = {n for n in defined if callable(getattr(module, n)) and not n.isupper()}
    assert callables <= exported


def test_package_exports_the_app_factory() -> None:
    assert package.__all__ == ["create_app"]
