"""Which sandboxes exist: name → app factory (each lives at ``omnistock/sandbox/<name>/app.py``)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from omnistock.sandbox.common.base import SandboxOptions

__all__ = ["SANDBOXES", "AppFactory"]

AppFactory = Callable[[SandboxOptions], FastAPI]

SANDBOXES: dict[str, AppFactory] = {}
