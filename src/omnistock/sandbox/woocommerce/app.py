"""The WooCommerce REST API v3 sandbox (``/wp-json/wc/v3``) and its admin API."""

from __future__ import annotations

import json

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from omnistock.domain.errors import Conflict, DomainError, Duplicate
from omnistock.sandbox.common.base import SandboxOptions, build_app
from omnistock.sandbox.woocommerce.admin import admin_routes
from omnistock.sandbox.woocommerce.api_orders import orders_router
from omnistock.sandbox.woocommerce.api_products import products_router
from omnistock.sandbox.woocommerce.api_webhooks import webhooks_router
from omnistock.sandbox.woocommerce.auth import authenticate
from omnistock.sandbox.woocommerce.errors import WooError, no_route, server_error
from omnistock.sandbox.woocommerce.shop import WooShop

__all__ = ["create_app"]

PREFIX = "/wp-json/wc/v3"
_HOST_PAGE = (
    "<html><head><title>{0}</title></head><body><center><h1>{0}</h1></center>"
    "<hr><center>nginx</center></body></html>"
)
_HOST_TITLES = {
    429: "429 Too Many Requests",
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
}


def error_body(status: int) -> tuple[bytes, dict[str, str]]:
    """Injected faults: WordPress's fatal-error JSON for 500, the web server's page otherwise."""
    if status in _HOST_TITLES:
        return _HOST_PAGE.format(_HOST_TITLES[status]).encode(), {"content-type": "text/html"}
    error = no_route() if status == 404 else server_error(status)
    return json.dumps(error.body()).encode(), {"content-type": "application/json; charset=UTF-8"}


def create_app(options: SandboxOptions) -> FastAPI:
    """A WooCommerce shop with a few demo products (none with ``options.empty``)."""
    shop = WooShop(options)
    app = build_app(shop, title="WooCommerce sandbox", error_body=error_body)
    app.include_router(admin_routes(shop))

    async def guard(request: Request) -> None:
        shop.base_url = str(request.base_url).rstrip("/")
        authenticate(request, shop.consumer_key, shop.consumer_secret)

    for router in (products_router(shop), orders_router(shop), webhooks_router(shop)):
        app.include_router(router, prefix=PREFIX, dependencies=[Depends(guard)])
    _install_handlers(app)
    app.state.sandbox = shop
    return app


def _install_handlers(app: FastAPI) -> None:
    async def on_woo(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, WooError)
        return exc.response()

    async def on_domain(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        status = 409 if isinstance(exc, Conflict | Duplicate) else 422
        return JSONResponse({"detail": exc.message, "field": exc.field}, status_code=status)

    app.add_exception_handler(WooError, on_woo)
    app.add_exception_handler(DomainError, on_domain)

    @app.api_route(
        "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    async def no_such_route(path: str) -> Response:
        if path.startswith("_sandbox/"):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        raise no_route()
