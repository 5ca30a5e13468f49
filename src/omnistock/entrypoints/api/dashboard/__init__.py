"""The server-rendered dashboard (Jinja2, autoescaped) under ``/dashboard``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from omnistock.entrypoints.api.dashboard.actions import router as actions_router
from omnistock.entrypoints.api.dashboard.business import router as business_router
from omnistock.entrypoints.api.dashboard.pages import LoginRequired, router
from omnistock.entrypoints.api.dashboard.sections import SECTIONS, Section, SectionData

__all__ = ["SECTIONS", "Section", "SectionData", "install", "router"]


def install(api: FastAPI) -> None:
    """Mount the dashboard and send visitors without a session to the login form."""

    async def to_login(_request: Request, _exc: Exception) -> RedirectResponse:
        return RedirectResponse("/dashboard/login", status_code=303)

    api.include_router(router)
    api.include_router(actions_router)
    api.include_router(business_router)  # orders, invoices, compliance (+ XML/PDF)
    api.add_exception_handler(LoginRequired, to_login)
