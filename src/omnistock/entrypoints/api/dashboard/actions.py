"""Dashboard pages that act: holds (approve/reject) and incidents (acknowledge/resolve).

Everyone signed in sees them; the buttons are shown to operators, and every POST checks the
operator role and the session's CSRF token. Ids travel as form fields, not in the path.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from omnistock.entrypoints.api.auth import plain_parameters
from omnistock.entrypoints.api.dashboard.pages import (
    Form,
    PageOperator,
    PageViewer,
    page,
    require_csrf,
)
from omnistock.entrypoints.api.problems import Problem
from omnistock.entrypoints.api.state import api_state
from omnistock.service import holds as holds_service
from omnistock.service import incidents as incidents_service

__all__ = ["router"]

router = APIRouter(
    prefix="/dashboard", include_in_schema=False, dependencies=[Depends(plain_parameters)]
)


@router.get("/holds")
def holds(request: Request, who: PageViewer) -> HTMLResponse:
    """Pending holds with their held changes."""
    parts = holds_service.safety_parts(api_state(request).app.engine, {})
    pending = holds_service.list_holds(parts.safety, pending_only=True)
    return page(request, "holds.html", who, holds=pending)


@router.post("/holds")
def decide_hold(request: Request, form: Form, who: PageOperator) -> RedirectResponse:
    require_csrf(request, form)
    action = form.get("action")
    if action not in ("approve", "reject"):
        raise Problem(422, "action must be approve or reject", errors=[_bad("action")])
    app = api_state(request).app
    parts = holds_service.safety_parts(app.engine, app.settings.section("safety"))
    decide = holds_service.approve_hold if action == "approve" else holds_service.reject_hold
    by = f"dashboard:{who.name}"
    decide(
        parts.safety, parts.sync, parts.incidents, form.get("id", ""), by=by, now=app.clock.now()
    )
    return RedirectResponse("/dashboard/holds", status_code=303)


@router.get("/incidents")
def incidents(request: Request, who: PageViewer) -> HTMLResponse:
    """Open and acknowledged incidents, newest first."""
    store = holds_service.safety_parts(api_state(request).app.engine, {}).incidents
    found = sorted(incidents_service.list_incidents(store), key=lambda i: i.last_seen, reverse=True)
    return page(request, "incidents.html", who, incidents=found)


@router.post("/incidents")
def act_on_incident(request: Request, form: Form, who: PageOperator) -> RedirectResponse:
    require_csrf(request, form)
    action = form.get("action")
    if action not in ("ack", "resolve"):
        raise Problem(422, "action must be ack or resolve", errors=[_bad("action")])
    app = api_state(request).app
    store = holds_service.safety_parts(app.engine, {}).incidents
    act = (
        incidents_service.acknowledge_incident
        if action == "ack"
        else incidents_service.resolve_incident
    )
    act(store, form.get("id", ""), by=f"dashboard:{who.name}", now=app.clock.now())
    return RedirectResponse("/dashboard/incidents", status_code=303)


def _bad(field: str) -> dict[str, str]:
    return {"field": field, "message": "unknown value"}
