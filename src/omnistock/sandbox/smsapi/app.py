"""The SMSAPI.pl sandbox app: ``/sms.do`` plus admin routes for messages and the account."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request, Response

from omnistock.sandbox.common.base import SandboxOptions, build_app
from omnistock.sandbox.smsapi.admin import admin_routes
from omnistock.sandbox.smsapi.api import sms_router
from omnistock.sandbox.smsapi.errors import SmsapiError, error_body
from omnistock.sandbox.smsapi.state import SmsapiSandbox

__all__ = ["create_app"]


def _bad_request(_: Request, __: Exception) -> Response:
    body = SmsapiError(8).body()
    return Response(json.dumps(body), 200, media_type="application/json")


def create_app(options: SandboxOptions) -> FastAPI:
    """An SMSAPI account whose Bearer token is ``options.client_secret``, 100 points."""
    sandbox = SmsapiSandbox(options)
    app = build_app(
        sandbox, title="SMSAPI.pl sandbox", error_body=error_body, validation_error=_bad_request
    )
    app.include_router(admin_routes(sandbox))
    app.include_router(sms_router(sandbox))
    app.state.sandbox = sandbox
    return app
