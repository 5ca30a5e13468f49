"""Authentication and roles: 401 without or with a wrong token, 403 for a too-weak role,
and every registered route depends on a role (or is explicitly public)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from omnistock.entrypoints.api import create_app
from omnistock.entrypoints.api.auth import ROLE_ATTR
from omnistock.service import tokens
from omnistock.service.tokens import Role
from omnistock.store.token_repository import TokenStore

# (method, path, body) of every route that changes something, with the least role it needs.
CHANGES = [
    ("POST", "/api/v1/products", {"sku": "B1", "name": "Talerz"}, "operator"),
    (
        "POST",
        "/api/v1/products/import",
        {"csv": "sku,name,ean,vat,price\nB2,Miska,,23,9.99\n"},
        "operator",
    ),
    ("PUT", "/api/v1/stock/A1", {"quantity": 3}, "operator"),
    ("POST", "/api/v1/stock/A1/adjust", {"delta": -1}, "operator"),
    ("POST", "/api/v1/stock/import", {"csv": "sku,warehouse,on_hand\nA1,main,4\n"}, "operator"),
    ("PUT", "/api/v1/policies", {"strategy": "shared"}, "operator"),
    (
        "POST",
        "/api/v1/listings",
        {"sku": "B9", "channel": "allegro", "offer_id": "o-2"},
        "operator",
    ),
    ("POST", "/api/v1/channels", {"name": "shop", "kind": "woocommerce"}, "operator"),
    ("POST", "/api/v1/tokens", {"role": "viewer"}, "admin"),
    ("DELETE", "/api/v1/tokens/nosuchid", None, "admin"),
    ("POST", "/api/v1/holds/nosuchid/approve", {}, "operator"),
    ("POST", "/api/v1/holds/nosuchid/reject", {}, "operator"),
    ("POST", "/api/v1/incidents/nosuchid/ack", None, "operator"),
    ("POST", "/api/v1/incidents/nosuchid/resolve", None, "operator"),
]
READS = [
    "/api/v1/products",
    "/api/v1/stock/A1",
    "/api/v1/policies",
    "/api/v1/listings",
    "/api/v1/channels",
    "/api/v1/channels/allegro/status",
    "/api/v1/sync/status",
    "/api/v1/allocation/A1/explain",
    "/api/v1/holds",
    "/api/v1/incidents",
    "/metrics",
]
PUBLIC = {
    "/healthz",
    "/readyz",
    "/dashboard/login",
    "/",
    # authenticated by the shop's HMAC signature (X-WC-Webhook-Signature), not a bearer token
    "/api/v1/webhooks/woocommerce/{channel}",
}


def _role_of(route: APIRoute) -> object:
    found = [
        getattr(dep.call, ROLE_ATTR)
        for dep in route.dependant.dependencies
        if hasattr(dep.call, ROLE_ATTR)
    ]
    assert len(found) == 1, f"{route.path} has {len(found)} role dependencies"
    return found[0]


def _api_routes(routes: list, prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every ``APIRoute`` with its full path, through included routers (FastAPI ≥ 0.120
    keeps included routers as branches; older versions copy their routes)."""
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):
            inner = prefix + getattr(route.include_context, "prefix", "")
            found += _api_routes(route.original_router.routes, inner)
    return found


def test_every_route_depends_on_exactly_one_role(omni) -> None:
    routes = _api_routes(create_app(omni).routes)
    assert len(routes) > 20
    for path, route in routes:
        role = _role_of(route)
        if role == "public":
            assert path in PUBLIC, f"{path} is public"
        else:
            assert isinstance(role, Role)
            if path.startswith("/api/v1/tokens"):
                assert role is Role.ADMIN
            elif route.methods & {"PUT", "DELETE", "PATCH"} or (
                "POST" in route.methods and path != "/dashboard/logout"
            ):
                assert role is not Role.VIEWER, f"viewer may change {path}"


@pytest.mark.parametrize("path", READS)
def test_reads_without_a_token_are_401_problems(client, path) -> None:
    answer = client.get(path)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.json()["status"] == 401


@pytest.mark.parametrize(
    "header", ["Bearer omni_wrong", "Bearer  x", "Basic dXNlcjpwYXNz", "omni_x", "Bearer nope"]
)
def test_a_wrong_token_is_401(client, header) -> None:
    assert client.get("/api/v1/products", headers={"Authorization": header}).status_code == 401


def test_a_revoked_token_is_401_at_once(client, omni, as_role, secrets_by_role) -> None:
    assert client.get("/api/v1/products", headers=as_role("viewer")).status_code == 200
    store = TokenStore(omni.engine)
    viewer = next(t for t in tokens.list_tokens(store) if t.role is Role.VIEWER)
    answer = client.delete(f"/api/v1/tokens/{viewer.id}", headers=as_role("admin"))
    assert answer.status_code == 204
    assert client.get("/api/v1/products", headers=as_role("viewer")).status_code == 401


@pytest.mark.parametrize("path", READS)
def test_a_viewer_reads_everything(client, as_role, path) -> None:
    assert client.get(path, headers=as_role("viewer")).status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "needed"), CHANGES)
def test_too_weak_roles_get_403_and_change_nothing(
    client, as_role, method, path, body, needed
) -> None:
    before = client.get("/api/v1/stock/A1", headers=as_role("viewer")).json()
    products = client.get("/api/v1/products", headers=as_role("viewer")).json()
    weaker = ["viewer"] if needed == "operator" else ["viewer", "operator"]
    for role in weaker:
        answer = client.request(method, path, json=body, headers=as_role(role))
        assert answer.status_code == 403, (role, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/stock/A1", headers=as_role("viewer")).json() == before
    assert client.get("/api/v1/products", headers=as_role("viewer")).json() == products


@pytest.mark.parametrize(("method", "path", "body", "needed"), CHANGES)
def test_the_needed_role_is_admitted(client, as_role, method, path, body, needed) -> None:
    answer = client.request(method, path, json=body, headers=as_role(needed))
    assert answer.status_code in (200, 201, 204, 404, 422), answer.text
    assert answer.status_code != 422 or "B9" in path + str(body)  # unknown SKU, past the role
