"""Allegro's error bodies: REST ``{"errors":[{code, message, userMessage…}]}`` and OAuth.

OAuth answers ``{"error", "error_description"}``; a refresh token that no longer works
(``invalid_grant``) means the seller must authorise omnistock again: :class:`Reauthorise`.
"""

from __future__ import annotations

import json

import httpx

from omnistock.channels.base import AuthenticationFailed
from omnistock.channels.http import ApiError

__all__ = ["Reauthorise", "parse_error"]


class Reauthorise(AuthenticationFailed):
    """Allegro refused the stored tokens; the seller must run ``omnistock channel auth`` again."""


def parse_error(response: httpx.Response) -> ApiError:
    """The first REST error (code, message) or the OAuth error; empty if unreadable."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return ApiError()
    if not isinstance(body, dict):
        return ApiError()
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code = str(first.get("code") or "") or None
        message = first.get("message") or first.get("userMessage")
        path = first.get("path")
        text = f"{message} (path {path})" if path else message
        return ApiError(code=code, message=str(text) if text else None)
    if "error" in body:
        return ApiError(code=str(body["error"]), message=body.get("error_description"))
    return ApiError()
