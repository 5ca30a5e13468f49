"""Which sandboxes exist: name → app factory (each lives at ``omnistock/sandbox/<name>/app.py``)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from omnistock.sandbox.allegro.app import create_app as create_allegro
from omnistock.sandbox.amazon.app import create_app as amazon_app
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.ksef.app import create_app as ksef_app
from omnistock.sandbox.meta.app import create_app as meta_app
from omnistock.sandbox.smsapi.app import create_app as smsapi_app
from omnistock.sandbox.woocommerce.app import create_app as woocommerce_app

__all__ = ["SANDBOXES", "AppFactory"]

AppFactory = Callable[[SandboxOptions], FastAPI]

SANDBOXES: dict[str, AppFactory] = {
    "allegro": create_allegro,
    "woocommerce": woocommerce_app,
    "amazon": amazon_app,
    "meta": meta_app,
    "smsapi": smsapi_app,
    "ksef": ksef_app,
}
