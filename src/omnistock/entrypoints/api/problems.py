"""RFC 9457 problem details: every error of the API as ``application/problem+json``.

Body: ``type``, ``title``, ``status``, ``detail`` and ``errors`` — a list of
``{"field", "message"}`` (plus ``"in"`` for request validation) naming each bad field.
Domain errors map to HTTP: invalid → 422, unknown → 404 (when the field is in the path, else
422), duplicate/conflict → 409.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from omnistock.domain.errors import Conflict, DomainError, Duplicate
from omnistock.service.tokens import UnknownToken

__all__ = ["MEDIA_TYPE", "PROBLEM_SCHEMA", "Problem", "install", "problem_response"]

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:omnistock:problem:"
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    415: "Unsupported media type",
    422: "Invalid input",
    500: "Internal error",
    503: "Unavailable",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "description": "Problem details (RFC 9457)",
    "content": {
        MEDIA_TYPE: {
            "schema": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object"}},
                },
                "required": ["type", "title", "status"],
            }
        }
    },
}


class Problem(Exception):
    """Raise from a route or dependency to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        errors: Sequence[dict[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, list(errors)
        self.code = code or TITLES.get(status, "error").lower().replace(" ", "_")
        self.headers = headers or {}


def problem_response(problem: Problem) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.code,
        "title": TITLES.get(problem.status, "Error"),
        "status": problem.status,
        "detail": problem.detail,
        "errors": problem.errors,
    }
    return JSONResponse(
        body, status_code=problem.status, media_type=MEDIA_TYPE, headers=problem.headers
    )


def from_domain(exc: DomainError, path_params: dict[str, Any]) -> Problem:
    """The problem for a domain error; ``field`` becomes the one entry of ``errors``."""
    name = type(exc).__name__
    if isinstance(exc, Duplicate | Conflict):
        status = 409
    elif name.startswith("Unknown") or isinstance(exc, UnknownToken):
        status = 404 if exc.field in path_params else 422
    else:
        status = 422
    errors = [{"field": exc.field or "", "message": exc.message}]
    return Problem(status, str(exc), code=str(exc.code), errors=errors)


def from_validation(exc: RequestValidationError) -> Problem:
    errors = []
    for item in exc.errors():
        loc = [str(part) for part in item.get("loc", ())]
        where = loc[0] if loc and loc[0] in ("body", "query", "path", "header", "cookie") else ""
        field = ".".join(loc[1:] if where else loc)
        errors.append({"field": field or where, "in": where, "message": str(item.get("msg"))})
    named = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
    return Problem(422, f"invalid input: {named}" if named else "invalid input", errors=errors)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    async def on_problem(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc)

    async def on_domain(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(from_domain(exc, dict(request.path_params)))

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(from_validation(exc))

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        return problem_response(Problem(exc.status_code, str(exc.detail), headers=headers))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
