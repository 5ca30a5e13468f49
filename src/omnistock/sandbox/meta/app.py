"""The Meta (Facebook/Instagram) catalog sandbox: Graph API catalog batch edges and admin API."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request, Response

from omnistock.sandbox.common.base import SandboxOptions, build_app
from omnistock.sandbox.meta.admin import admin_routes
from omnistock.sandbox.meta.api import graph_router
from omnistock.sandbox.meta.errors import GraphError, server_error, unknown_path
from omnistock.sandbox.meta.state import MetaSandbox

__all__ = ["create_app"]


def error_body(status: int) -> tuple[bytes, dict[str, str]]:
    """Injected faults in Graph's envelope (429 as the generic throttle code 4)."""
    if status == 429:
        error = GraphError("(#4) Application request limit reached", code=4, status=429)
    elif status == 404:
        error = unknown_path()
    else:
        error = server_error(status)
    return json.dumps(error.body()).encode(), {"content-type": "application/json; charset=UTF-8"}


def create_app(options: SandboxOptions) -> FastAPI:
    """A Meta catalog (id ``100000000000001``) with three demo items unless ``options.empty``."""
    sandbox = MetaSandbox(options)
    app = build_app(sandbox, title="Meta catalog sandbox", error_body=error_body)
    app.include_router(admin_routes(sandbox))
    app.include_router(graph_router(sandbox))

    async def on_graph(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, GraphError)
        return exc.response()

    app.add_exception_handler(GraphError, on_graph)

    @app.api_route("/{path:path}", methods=["GET", "POST", "DELETE"], include_in_schema=False)
    async def no_such_edge(path: str) -> Response:
        if path.startswith("_sandbox/"):
            return Response('{"detail":"Not Found"}', 404, media_type="application/json")
        raise unknown_path()

    app.state.sandbox = sandbox
    return app
