"""WordPress REST schema coercion: integers and booleans also arrive as strings."""

from __future__ import annotations

from typing import Any

from omnistock.sandbox.woocommerce.errors import invalid_param

_TRUE = {"true", "1"}
_FALSE = {"false", "0", ""}


def as_int(name: str, value: Any, *, nullable: bool = False) -> int | None:
    """``rest_is_integer``: ints, integral floats, numeric strings; else ``rest_invalid_param``."""
    if value is None and nullable:
        return None
    if isinstance(value, bool):
        raise invalid_param(name, f"{name} is not of type integer.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    kind = "integer, null" if nullable else "integer"
    raise invalid_param(name, f"{name} is not of type {kind}.")


def as_bool(name: str, value: Any) -> bool:
    """``rest_is_boolean``: booleans, 0/1 and the strings true/false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise invalid_param(name, f"{name} is not of type boolean.")


def as_str(name: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise invalid_param(name, f"{name} is not of type string.")


def as_enum(name: str, value: Any, options: tuple[str, ...]) -> str:
    text = as_str(name, value)
    if text not in options:
        listed = ", ".join(options[:-1]) + f", and {options[-1]}"
        raise invalid_param(name, f"{name} is not one of {listed}.")
    return text
