"""The Amazon SP-API sandbox app: LWA, Listings Items, Feeds, Orders, documents and admin."""

from __future__ import annotations

from fastapi import FastAPI

from omnistock.sandbox.amazon.admin_api import amazon_admin_router
from omnistock.sandbox.amazon.documents import documents_router
from omnistock.sandbox.amazon.errors import fault_error_body
from omnistock.sandbox.amazon.feeds_api import feeds_router
from omnistock.sandbox.amazon.listings_api import listings_router
from omnistock.sandbox.amazon.lwa_api import lwa_router
from omnistock.sandbox.amazon.orders_api import orders_router
from omnistock.sandbox.amazon.sandbox import AmazonSandbox
from omnistock.sandbox.amazon.spapi import install_spapi_errors
from omnistock.sandbox.common.base import SandboxOptions, build_app

__all__ = ["create_app"]


def create_app(options: SandboxOptions) -> FastAPI:
    """A fresh Amazon sandbox; its state object is ``app.state.sandbox``."""
    sandbox = AmazonSandbox(options)
    app = build_app(sandbox, title="omnistock Amazon SP-API sandbox", error_body=fault_error_body)
    install_spapi_errors(app)
    for router in (
        amazon_admin_router(sandbox),
        lwa_router(sandbox),
        listings_router(sandbox),
        feeds_router(sandbox),
        orders_router(sandbox),
        documents_router(sandbox),
    ):
        app.include_router(router)
    app.state.sandbox = sandbox
    return app
