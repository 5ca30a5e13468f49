"""Dashboard routes under ``/dashboard``: login/logout, channel tiles, stock, SKU, sections.

Every route depends on :func:`page_role` (a signed-in session with at least that role) or is
marked public (the login form). POSTs also check the session's CSRF token.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from omnistock.domain.ids import Sku, WarehouseId
from omnistock.entrypoints.api.auth import (
    ROLE_ATTR,
    Principal,
    Public,
    check_role,
    plain_parameters,
)
from omnistock.entrypoints.api.dashboard import session, views
from omnistock.entrypoints.api.dashboard.i18n import LANGS, labels
from omnistock.entrypoints.api.dashboard.sections import SECTIONS, SectionContext, safe_load
from omnistock.entrypoints.api.problems import Problem
from omnistock.entrypoints.api.state import api_state
from omnistock.service import stock
from omnistock.service.tokens import Role, active_token, authenticate

__all__ = ["LoginRequired", "page_role", "router", "templates"]

router = APIRouter(
    prefix="/dashboard", include_in_schema=False, dependencies=[Depends(plain_parameters)]
)
TEMPLATES = Path(__file__).parent / "templates"
MAX_FORM = 64_000


def templates() -> Environment:
    """The Jinja2 environment (autoescape on for every template)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,
    )


_ENV = templates()


class LoginRequired(Exception):
    """No valid session: the handler redirects to the login form."""


def language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("lang") or "pl"
    return chosen if chosen in LANGS else "pl"


def page_role(needed: Role) -> Callable[[Request], Principal]:
    """A dependency admitting a signed-in session whose token has at least ``needed``."""

    def dependency(request: Request) -> Principal:
        state = api_state(request)
        current = session.read(state.session_key, request.cookies.get(session.SESSION_COOKIE))
        token = active_token(state.tokens, current.token_id) if current else None
        if current is None or token is None:
            raise LoginRequired
        request.state.csrf = current.csrf
        return check_role(Principal.of(token), needed)

    setattr(dependency, ROLE_ATTR, needed)
    return dependency


async def form_fields(request: Request) -> dict[str, str]:
    """The URL-encoded form of a POST (first value of each field); 422 if not a form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    body = await request.body()
    if kind != "application/x-www-form-urlencoded" or len(body) > MAX_FORM:
        raise Problem(
            422, "expected a URL-encoded form", errors=[{"field": "body", "message": kind}]
        )
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    fields = {key: values[0] for key, values in parsed.items()}
    bad = [key for key, value in fields.items() if "\x00" in key + value]
    if bad:
        errors = [{"field": key, "message": "contains NUL"} for key in bad]
        raise Problem(422, "form fields must not contain the NUL character", errors=errors)
    return fields


Form = Annotated[dict[str, str], Depends(form_fields)]
PageViewer = Annotated[Principal, Depends(page_role(Role.VIEWER))]
PageOperator = Annotated[Principal, Depends(page_role(Role.OPERATOR))]


def require_csrf(request: Request, form: dict[str, str]) -> None:
    if not session.same(getattr(request.state, "csrf", ""), form.get("csrf")):
        raise Problem(403, "missing or wrong CSRF token; reload the page", code="csrf")


def page(request: Request, template: str, who: Principal | None, **context: Any) -> HTMLResponse:
    lang = language(request)
    html = _ENV.get_template(template).render(
        t=labels(lang),
        lang=lang,
        who=who,
        csrf=getattr(request.state, "csrf", ""),
        sections=list(SECTIONS),
        can_change=who is not None and who.role.allows(Role.OPERATOR),
        **context,
    )
    response = HTMLResponse(html)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("lang", lang, samesite="strict", httponly=True)
    return response


@router.get("/login", dependencies=[Public])
def login_form(request: Request, failed: bool = False) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    response = page(request, "login.html", None, nonce=nonce, failed=failed)
    response.set_cookie(session.LOGIN_COOKIE, nonce, httponly=True, samesite="strict")
    return response


@router.post("/login", dependencies=[Public])
def login(request: Request, form: Form) -> RedirectResponse:
    """Exchange an API token for a session (double-submit nonce against login CSRF)."""
    if not session.same(request.cookies.get(session.LOGIN_COOKIE, ""), form.get("nonce")):
        raise Problem(403, "missing or wrong login nonce; reload the login page", code="csrf")
    token = authenticate(api_state(request).tokens, form.get("token", "").strip())
    if token is None:
        return RedirectResponse("/dashboard/login?failed=1", status_code=303)
    response = RedirectResponse("/dashboard/", status_code=303)
    session.issue(response, api_state(request).session_key, token.id)
    response.delete_cookie(session.LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, form: Form, _who: PageViewer) -> RedirectResponse:
    require_csrf(request, form)
    response = RedirectResponse("/dashboard/login", status_code=303)
    response.delete_cookie(session.SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request, who: PageViewer) -> HTMLResponse:
    """Channel health tiles and the sections of later areas."""
    return page(request, "home.html", who, tiles=views.tiles(api_state(request)))


@router.get("/stock")
def stock_table(request: Request, who: PageViewer, q: str = "") -> HTMLResponse:
    channels, rows = views.stock_rows(api_state(request), q[:200])
    return page(request, "stock.html", who, q=q[:200], channels=channels, rows=rows)


@router.get("/sku/{sku}")
def sku_detail(request: Request, sku: str, who: PageViewer) -> HTMLResponse:
    return page(request, "sku.html", who, item=views.sku_page(api_state(request), sku))


@router.post("/sku/{sku}/stock")
def sku_set_stock(request: Request, sku: str, form: Form, who: PageOperator) -> RedirectResponse:
    """The SKU page's "set stock" form (operator role, CSRF-checked)."""
    require_csrf(request, form)
    raw = form.get("quantity", "").strip()
    if not raw.isdigit():
        raise Problem(
            422, "quantity must be a whole number", errors=[{"field": "quantity", "message": raw}]
        )
    app = api_state(request).app
    stock.set_stock(
        app.uow(),
        Sku(sku),
        int(raw),
        warehouse=WarehouseId(form.get("warehouse") or "main"),
        actor=f"dashboard:{who.name}",
        now=app.clock.now(),
    )
    return RedirectResponse(f"/dashboard/sku/{sku}", status_code=303)


@router.get("/section/{name}")
def section(request: Request, name: str, who: PageViewer) -> HTMLResponse:
    found = SECTIONS.get(name)
    if found is None:
        raise Problem(404, f"no dashboard section {name!r}")
    app = api_state(request).app
    today = app.clock.now().date()
    context = SectionContext(engine=app.engine, lang=language(request), today=today)
    data = safe_load(found, context)
    return page(request, "section.html", who, name=name, data=data)
