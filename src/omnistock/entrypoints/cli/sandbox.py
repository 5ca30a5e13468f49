"""``omnistock sandbox up``: serve the marketplace simulators on loopback until Ctrl-C."""

from __future__ import annotations

import signal
import threading
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.faults import FaultConfig
from omnistock.sandbox.common.server import SandboxServer

__all__ = ["load_faults", "register", "up"]


def register(app: typer.Typer) -> None:
    """Attach ``omnistock sandbox …``."""
    group = typer.Typer(help="Local simulators of the marketplace APIs.", no_args_is_help=True)
    group.command("up")(up)
    app.add_typer(group, name="sandbox")


def load_faults(path: Path, names: list[str]) -> dict[str, FaultConfig]:
    """Read a faults TOML: one table per sandbox name with ``FaultConfig`` keys."""
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise typer.BadParameter(f"{path}: {exc}", param_hint="--faults") from exc
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise typer.BadParameter(
            f"unknown sandbox table(s): {', '.join(unknown)}", param_hint="--faults"
        )
    faults = {}
    for name, table in raw.items():
        try:
            faults[name] = FaultConfig.model_validate(table)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in (name, *error["loc"]))
            raise typer.BadParameter(f"{where}: {error['msg']}", param_hint="--faults") from exc
    return faults


def _selected(only: str | None, names: list[str]) -> list[str]:
    if only is None:
        return names
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in names]
    if unknown or not wanted:
        raise typer.BadParameter(
            f"unknown sandbox {', '.join(unknown) or '(none)'}; choose from {', '.join(names)}",
            param_hint="--only",
        )
    return [name for name in names if name in wanted]


def up(
    only: Annotated[
        str | None, typer.Option("--only", metavar="NAMES", help="Comma-separated subset.")
    ] = None,
    port_base: Annotated[
        int, typer.Option("--port-base", help="First port (registry order); 0 = any free port.")
    ] = 8400,
    faults: Annotated[
        Path | None, typer.Option("--faults", metavar="FILE.toml", help="Faults per sandbox.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random decision.")] = 0,
    time_scale: Annotated[
        float, typer.Option("--time-scale", min=0.001, help="Sandbox time runs this much faster.")
    ] = 1.0,
    client_id: Annotated[str, typer.Option("--client-id")] = "omnistock-sandbox",
    client_secret: Annotated[str, typer.Option("--client-secret")] = "omnistock-sandbox",
    manual_consent: Annotated[
        bool, typer.Option("--manual-consent", help="Device codes wait for a confirmation.")
    ] = False,
    empty: Annotated[bool, typer.Option("--empty", help="Start without demo offers.")] = False,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
) -> None:
    """Start the sandboxes, print each base URL, and serve until Ctrl-C."""
    from omnistock.sandbox.registry import SANDBOXES

    names = list(SANDBOXES)
    chosen = _selected(only, names)
    fault_configs = load_faults(faults, names) if faults else {}
    servers: list[SandboxServer] = []
    try:
        for name in chosen:
            options = SandboxOptions(
                seed=seed,
                time_scale=time_scale,
                client_id=client_id,
                client_secret=client_secret,
                manual_consent=manual_consent,
                empty=empty,
                faults=fault_configs.get(name, FaultConfig()),
            )
            port = port_base + names.index(name) if port_base else 0
            server = SandboxServer(SANDBOXES[name](options), host=host, port=port).start()
            servers.append(server)
            typer.echo(f"{name:<12} {server.url}   admin: {server.url}/_sandbox/docs")
        typer.echo("Sandboxes running; press Ctrl-C to stop.")
        _wait_for_interrupt()
    except OSError as exc:
        typer.echo(f"error: cannot start sandbox: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        for server in servers:
            server.stop()
    typer.echo("Sandboxes stopped.")


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
