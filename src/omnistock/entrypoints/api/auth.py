"""Authentication and roles: bearer API tokens for the REST API, a session cookie for the UI.

Every route depends on exactly one of :data:`viewer`, :data:`operator`, :data:`admin` (REST)
or the dashboard's ``page_role``; a test walks the registered routes and checks it. The role
dependencies carry a ``role`` attribute so that check needs no list of names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from omnistock.entrypoints.api.problems import Problem
from omnistock.entrypoints.api.state import api_state
from omnistock.service.tokens import ApiToken, Role, authenticate

__all__ = [
    "ROLE_ATTR",
    "Admin",
    "Operator",
    "Principal",
    "Public",
    "Viewer",
    "check_role",
    "plain_parameters",
    "public_route",
    "require_role",
]

ROLE_ATTR = "omnistock_role"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="omnistock"'}


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """Who is calling: the token's id, name and role."""

    token_id: str
    name: str
    role: Role

    @classmethod
    def of(cls, token: ApiToken) -> Principal:
        return cls(token_id=token.id, name=token.name, role=token.role)

    @property
    def actor(self) -> str:
        """How changes made by this caller are attributed in the ledger."""
        return f"api:{self.name}"


def bearer_principal(request: Request) -> Principal:
    """The caller of a REST request from ``Authorization: Bearer …``; 401 when missing/wrong."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Problem(401, "send Authorization: Bearer <token>", headers=CHALLENGE)
    token = authenticate(api_state(request).tokens, secret.strip())
    if token is None:
        raise Problem(401, "unknown or revoked token", headers=CHALLENGE)
    return Principal.of(token)


def check_role(principal: Principal, needed: Role) -> Principal:
    if not principal.role.allows(needed):
        detail = f"this needs the {needed.value} role; the token has {principal.role.value}"
        raise Problem(403, detail, code="forbidden")
    return principal


def require_role(needed: Role) -> Callable[[Request], Principal]:
    """A dependency admitting bearer tokens whose role is at least ``needed``."""

    def dependency(request: Request) -> Principal:
        return check_role(bearer_principal(request), needed)

    setattr(dependency, ROLE_ATTR, needed)
    dependency.__name__ = f"require_{needed.value}"
    return dependency


def plain_parameters(request: Request) -> None:
    """422 when a path or query parameter contains NUL (no database can store or query it)."""
    given = [("path", k, v) for k, v in request.path_params.items()]
    given += [("query", k, v) for k, v in request.query_params.multi_items()]
    bad = [
        {"field": k, "in": where, "message": "contains NUL"}
        for where, k, v in given
        if "\x00" in str(v)
    ]
    if bad:
        raise Problem(422, "parameters must not contain the NUL character", errors=bad)


def public_route() -> None:
    """Marks a route as deliberately open (health probes, the login form)."""


setattr(public_route, ROLE_ATTR, "public")

Public = Depends(public_route)
Viewer = Annotated[Principal, Depends(require_role(Role.VIEWER))]
Operator = Annotated[Principal, Depends(require_role(Role.OPERATOR))]
Admin = Annotated[Principal, Depends(require_role(Role.ADMIN))]
