"""The lazy CLI registry (``entrypoints/cli/areas.py``) matches what the area modules register."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from omnistock.entrypoints import cli
from omnistock.entrypoints.cli import areas

CLI_DIR = Path(cli.__file__).parent
SUPERSEDED = {"demo"}  # the local scenario of issue 2; ``omnistock demo`` is ``demo_tour`` now


def _modules_with_register() -> set[str]:
    found = set()
    for path in CLI_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "register" for node in tree.body):
            found.add(path.stem)
    return found


def test_every_area_module_is_listed() -> None:
    listed = {module for entry in areas.COMMANDS.values() for module in entry.modules}
    assert _modules_with_register() - SUPERSEDED == listed


def test_every_registered_command_is_in_the_table_with_its_help_line() -> None:
    for name, entry in areas.COMMANDS.items():
        command = areas.load(name)
        assert command.get_short_help_str(10**6) == entry.help, (
            f"areas.COMMANDS[{name!r}].help must be {command.get_short_help_str(10**6)!r}"
        )
        registered = set(areas._group(entry.modules).commands)
        missing = registered - set(areas.COMMANDS)
        assert not missing, f"{entry.modules} register {missing}: add them to areas.COMMANDS"


def test_root_help_lists_every_command_and_unknown_ones_get_suggestions() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli.app, ["--help"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    commands = listed.output.split("Commands:")[1].splitlines()
    assert [line.split()[0] for line in commands if line.strip()] == list(areas.COMMANDS)
    typo = runner.invoke(cli.app, ["stok", "show"])
    assert typo.exit_code == 2
    assert "Did you mean 'stock'" in typo.output


def test_help_imports_no_area_module() -> None:
    probe = (
        "import sys\n"
        "from omnistock.entrypoints.cli import app\n"
        "try:\n"
        "    app(['--help'], prog_name='omnistock')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in sys.modules if m.startswith('omnistock.entrypoints.cli.')\n"
        "          or m.split('.')[0] in ('sqlalchemy', 'fastapi', 'httpx', 'lxml', 'fpdf')]\n"
        "print('loaded:', sorted(loaded), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Commands:" in done.stdout
    assert done.stderr.strip() == "loaded: ['omnistock.entrypoints.cli.areas']", done.stderr
