"""The embedded ``JSON_LISTINGS_FEED`` schema (``schemas/listings-feed-v2.schema.json``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator

__all__ = ["envelope_validator", "message_validator", "schema"]


@cache
def schema() -> dict[str, Any]:
    """The schema document shipped in the package (read once, on first use)."""
    text = resources.files("omnistock.sandbox.amazon").joinpath(
        "schemas/listings-feed-v2.schema.json"
    )
    loaded: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return loaded


@cache
def envelope_validator() -> Draft7Validator:
    """Checks header and the 1..25,000 message array (decides FATAL)."""
    return Draft7Validator(schema())


@cache
def message_validator() -> Draft7Validator:
    """Checks one message (decides whether the message is invalid)."""
    return Draft7Validator(schema()["definitions"]["message"])
