"""A readable Rich rendering of an allocation explanation (``Explanation.to_dict()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table

from omnistock.entrypoints.cli import render


def explanation_view(data: Mapping[str, Any]) -> RenderableType:
    """The numbers top-down: stock → available → buffer → sellable → split → caps → shown."""
    parts: list[RenderableType] = [_summary(data), _channels(data)]
    if data.get("components"):
        parts.insert(1, _components(data["components"]))
    return Group(*parts)


def _summary(data: Mapping[str, Any]) -> Table:
    warehouses = ", ".join(f"{w['warehouse']} {w['on_hand']}" for w in data.get("warehouses", []))
    orders = ", ".join(f"{r['order_ref']} {r['quantity']}" for r in data.get("reservations", []))
    buffer, margin = data.get("buffer", 0), data.get("resume_margin", 0)
    rows: list[tuple[str, object, str]] = [
        ("on hand", data.get("on_hand"), warehouses or _kit_note(data)),
        ("reserved", data.get("reserved"), orders or "no open orders"),
        ("available", data.get("available"), "on hand − reserved, never below 0"),
        ("buffer", buffer, f"pause at ≤ {buffer}, resume at ≥ {buffer + margin}"),
        ("state", "PAUSED" if data.get("paused") else "listed", str(data.get("pause_reason", ""))),
        ("sellable", data.get("sellable"), "available − buffer"),
        ("strategy", data.get("strategy"), _strategy_note(data)),
    ]  # fmt: skip
    return render.table(f"Allocation of {data.get('sku', '?')}", ("", "#", "why"), rows)


def _kit_note(data: Mapping[str, Any]) -> str:
    return "kits the components allow" if data.get("components") else "nothing in stock"


def _strategy_note(data: Mapping[str, Any]) -> str:
    if data.get("strategy") == "shared":
        return "every channel sees all sellable units"
    reserve = data.get("reserve_pct")
    held = data.get("held_back", 0)
    reserve_text = f"reserve {reserve} %, " if reserve is not None else ""
    return f"{reserve_text}{held} units held back (reserve, unassigned %, rounding)"


def _channels(data: Mapping[str, Any]) -> Table:
    lines: Mapping[str, Mapping[str, Any]] = data.get("channels", {})
    rows = [
        (
            channel,
            "—" if line.get("share_pct") is None else f"{line['share_pct']} %",
            line.get("raw"),
            "—" if line.get("cap") is None else line["cap"],
            f"{line.get('quantity')}" + (" (capped)" if line.get("capped") else ""),
        )
        for channel, line in lines.items()
    ]
    if not rows:
        rows = [("no listings", "", "", "", "")]
    columns = ("channel", "#share", "#split", "#max listed", "#shown")
    return render.table("Per channel", columns, rows)


def _components(components: list[Mapping[str, Any]]) -> Table:
    rows = [
        (c.get("sku"), c.get("per_bundle"), c.get("available"), c.get("bundles"))
        for c in components
    ]
    columns = ("component", "#per bundle", "#available", "#bundles it allows")
    return render.table("Bundle components", columns, rows)
