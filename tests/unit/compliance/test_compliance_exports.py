"""Every compliance module lists its public functions and classes in ``__all__``."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import omnistock.compliance
import omnistock.domain.compliance

MODULES = sorted(
    info.name
    for package in (omnistock.domain.compliance, omnistock.compliance)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
)


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_every_public_definition(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    }
    assert {n for n in exported if not hasattr(module, n)} == set()
    assert defined - exported == set()


def test_shipped_packs_are_package_data() -> None:
    folder = Path(omnistock.compliance.__file__).parent / "packs"
    assert sorted(p.name for p in folder.glob("*.yaml")) == [
        "allegro.yaml",
        "amazon.yaml",
        "woocommerce.yaml",
    ]
