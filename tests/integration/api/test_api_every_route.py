"""Every REST route the app registers — found by walking the app, so a new route is covered
without editing a list — answers 401 without a token, 403 to each weaker role (a problem
document, nothing changed), and lets its own role past the check without a server error; a
422 always names the field."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from omnistock.entrypoints.api import create_app
from omnistock.entrypoints.api.auth import ROLE_ATTR
from omnistock.service.tokens import Role

PROBLEM = "application/problem+json"


def _routes(routes: list, prefix: str = "") -> list[tuple[str, APIRoute]]:
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):
            inner = prefix + getattr(route.include_context, "prefix", "")
            found += _routes(route.original_router.routes, inner)
    return found


def _role(route: APIRoute) -> object:
    found = [getattr(d.call, ROLE_ATTR) for d in route.dependant.dependencies
             if hasattr(d.call, ROLE_ATTR)]  # fmt: skip
    return found[0] if found else None


def _guarded(omni) -> list[tuple[str, str, Role]]:
    """``(method, concrete path, role)`` of every bearer-token route (path parameters → ``1``)."""
    result = []
    for path, route in _routes(create_app(omni).routes):
        role = _role(route)
        if not isinstance(role, Role) or path.startswith("/dashboard"):
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        result += [(method, concrete, role) for method in sorted(route.methods)]
    return result


def test_the_walk_finds_every_resource(omni) -> None:
    paths = {path for _, path, _ in _guarded(omni)}
    resources = ("products", "stock", "policies", "listings", "channels", "sync", "holds",
                 "incidents", "orders", "invoices", "compliance", "privacy", "tokens")  # fmt: skip
    for resource in resources:
        assert any(p.startswith(f"/api/v1/{resource}") for p in paths), resource
    assert "/metrics" in paths
    assert "/api/v1/channels/1/test" in paths
    assert len(paths) >= 35


def test_every_route_checks_token_and_role(client, seeded, as_role) -> None:
    checked = 0
    for method, path, role in _guarded(seeded):
        body = {} if method in ("POST", "PUT", "PATCH") else None
        anonymous = client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        assert anonymous.headers["content-type"] == PROBLEM
        for weaker in (r for r in Role if r.rank < role.rank):
            answer = client.request(method, path, json=body, headers=as_role(weaker.value))
            assert answer.status_code == 403, (method, path, weaker, answer.text)
            assert answer.json()["type"].endswith(":forbidden")
        admitted = client.request(method, path, json=body, headers=as_role(role.value))
        assert admitted.status_code not in (401, 403), (method, path, admitted.text)
        assert admitted.status_code < 500, (method, path, admitted.text)
        if admitted.status_code == 422:
            errors = admitted.json()["errors"]
            assert errors, (method, path, admitted.text)
            assert all(e["field"] for e in errors), (method, path, errors)
        checked += 1
    assert checked >= 35


def test_weaker_roles_changed_nothing(client, seeded, as_role) -> None:
    before = {p: client.get(p, headers=as_role("admin")).json()
              for p in ("/api/v1/products", "/api/v1/stock/A1", "/api/v1/channels",
                        "/api/v1/listings", "/api/v1/tokens", "/api/v1/policies")}  # fmt: skip
    for method, path, role in _guarded(seeded):
        if method == "GET" or role is Role.VIEWER:
            continue
        body = {} if method in ("POST", "PUT", "PATCH") else None
        for weaker in (r for r in Role if r.rank < role.rank):
            client.request(method, path, json=body, headers=as_role(weaker.value))
    after = {p: client.get(p, headers=as_role("admin")).json() for p in before}
    assert after == before


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_metrics_and_probes(client, as_role, role) -> None:
    assert client.get("/metrics", headers=as_role(role)).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
