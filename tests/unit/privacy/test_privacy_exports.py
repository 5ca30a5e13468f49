"""Every privacy module lists its public functions and classes in ``__all__`` and does no I/O
at import (importing them in a fresh interpreter reads no ``OMNISTOCK_*`` variable)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import omnistock.privacy

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(omnistock.privacy.__path__, "omnistock.privacy.")
)


def test_package_has_its_modules() -> None:
    assert len(MODULES) >= 10


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


def test_importing_reads_no_keys() -> None:
    code = (
        "import os, importlib\n"
        "class Env(dict):\n"
        "    def check(self, k):\n"
        "        if k.startswith('OMNISTOCK'): raise SystemExit('read ' + k)\n"
        "    def __getitem__(self, k): self.check(k); return dict.__getitem__(self, k)\n"
        "    def get(self, k, d=None): self.check(k); return dict.get(self, k, d)\n"
        "os.environ = Env(os.environ)\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
