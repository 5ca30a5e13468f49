"""REST resources under ``/api/v1``: one router module per resource, listed in :data:`ROUTERS`.

A later area adds ``routes/<resource>.py`` defining ``router = APIRouter(...)`` with every route
depending on a role (``Viewer``, ``Operator``, ``Admin`` from ``omnistock.entrypoints.api.auth``)
and appends one line here.
"""

from __future__ import annotations

from fastapi import APIRouter

from omnistock.entrypoints.api.routes.allocation import router as allocation_router
from omnistock.entrypoints.api.routes.channels import router as channels_router
from omnistock.entrypoints.api.routes.compliance import router as compliance_router
from omnistock.entrypoints.api.routes.holds import router as holds_router
from omnistock.entrypoints.api.routes.incidents import router as incidents_router
from omnistock.entrypoints.api.routes.invoices import router as invoices_router
from omnistock.entrypoints.api.routes.listings import router as listings_router
from omnistock.entrypoints.api.routes.orders import router as orders_router
from omnistock.entrypoints.api.routes.policies import router as policies_router
from omnistock.entrypoints.api.routes.privacy import router as privacy_router
from omnistock.entrypoints.api.routes.products import router as products_router
from omnistock.entrypoints.api.routes.stock import router as stock_router
from omnistock.entrypoints.api.routes.sync import router as sync_router
from omnistock.entrypoints.api.routes.tokens import router as tokens_router
from omnistock.entrypoints.api.routes.webhooks import router as webhooks_router

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    products_router,
    stock_router,
    policies_router,
    listings_router,
    channels_router,
    sync_router,
    allocation_router,
    tokens_router,
    holds_router,
    incidents_router,
    privacy_router,
    orders_router,
    invoices_router,
    compliance_router,
    webhooks_router,
]
