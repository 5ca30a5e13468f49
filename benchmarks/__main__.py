"""Run every ``benchmarks/*_bench.py`` module's ``main([])`` in turn, in file-name order.

Each benchmark prints its own figures. ``python -m benchmarks NAME…`` runs only the modules whose
name contains one of the given words. The exit code is non-zero if any benchmark failed.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(only: Sequence[str] = ()) -> list[str]:
    """Module names of the benchmarks, sorted; filtered by ``only`` substrings if given."""
    names = sorted(path.stem for path in HERE.glob("*_bench.py"))
    return [n for n in names if not only or any(word in n for word in only)]


def run_one(name: str) -> bool:
    """Import ``benchmarks.<name>`` and call its ``main([])``; True when it succeeded."""
    print(f"== {name}", flush=True)
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"benchmarks.{name}")
        entry: Callable[[list[str]], object] = module.main
        result = entry([])
    except Exception:
        traceback.print_exc()
        return False
    print(f"== {name}: done in {time.perf_counter() - started:.1f} s\n", flush=True)
    return result in (None, 0)


def main(argv: Sequence[str]) -> int:
    names = discover(argv)
    if not names:
        print("no benchmarks found (benchmarks/*_bench.py)", file=sys.stderr)
        return 1
    failed = [name for name in names if not run_one(name)]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
