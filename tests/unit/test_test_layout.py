"""Test modules outside packages share one import namespace: their file names must be unique."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _rootless_modules() -> list[Path]:
    """Test modules whose folder is not a package (pytest imports them by bare name)."""
    return [
        path
        for path in TESTS.rglob("*.py")
        if path.name not in ("conftest.py", "__init__.py")
        and not (path.parent / "__init__.py").exists()
    ]


def test_module_names_outside_packages_are_unique() -> None:
    counts = Counter(path.name for path in _rootless_modules())
    clashes = sorted(name for name, n in counts.items() if n > 1)
    assert clashes == [], f"rename one of each: {clashes}"


def test_the_check_sees_the_test_folders() -> None:
    assert any(p.name == "test_test_layout.py" for p in _rootless_modules())
