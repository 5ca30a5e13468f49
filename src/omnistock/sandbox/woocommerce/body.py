"""Request bodies as WP REST reads them: JSON, or form-encoded parameters."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from omnistock.sandbox.woocommerce.errors import WooError


async def read_fields(request: Request) -> dict[str, Any]:
    """The body parameters; malformed JSON is WordPress's 400 ``rest_invalid_json``."""
    raw = await request.body()
    if not raw.strip():
        return {}
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(raw.decode(errors="replace"), keep_blank_values=True))
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise WooError(
            "rest_invalid_json",
            "Invalid JSON body passed.",
            400,
            json_error_code=4,
            json_error_message="Syntax error",
        ) from None
    return parsed if isinstance(parsed, dict) else {}
