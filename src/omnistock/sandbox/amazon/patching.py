"""JSON-patch-like operations of the Listings Items API applied to a listing's attributes.

Only top-level attributes can be patched (``/attributes/<name>``). ``add`` and ``replace`` set
the attribute, ``merge`` merges each value into the existing value with the same
``fulfillment_channel_code`` (or the same position), ``delete`` removes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from omnistock.sandbox.amazon.issues import Issue, bad_quantity, missing_channel_code

__all__ = ["apply_patches", "check_patches"]

AVAILABILITY = "fulfillment_availability"


def _attribute_name(path: object) -> str | None:
    if not isinstance(path, str) or not path.startswith("/attributes/"):
        return None
    name = path.removeprefix("/attributes/")
    return name if name and "/" not in name else None


def _availability_issues(values: Sequence[Any]) -> list[Issue]:
    issues: list[Issue] = []
    for value in values:
        if not isinstance(value.get("fulfillment_channel_code"), str):
            issues.append(missing_channel_code())
        quantity = value.get("quantity", 0)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            issues.append(bad_quantity(quantity))
    return issues


def check_patches(patches: Sequence[Mapping[str, Any]]) -> list[Issue]:
    """Issues that make the patches invalid (structure was checked against the model before)."""
    issues: list[Issue] = []
    for patch in patches:
        name = _attribute_name(patch.get("path"))
        if name is None:
            issues.append(
                Issue(
                    code="4000002",
                    message=f"Invalid path '{patch.get('path')}': only top-level attributes "
                    "(/attributes/<name>) can be patched.",
                    categories=("INVALID_ATTRIBUTE",),
                )
            )
        elif name == AVAILABILITY and patch.get("op") != "delete":
            issues.extend(_availability_issues(patch.get("value") or []))
    return issues


def _merge(old: list[Any], new: list[Any]) -> list[Any]:
    merged = [dict(item) for item in old]
    for index, value in enumerate(new):
        key = value.get("fulfillment_channel_code")
        match = next(
            (m for m in merged if key is not None and m.get("fulfillment_channel_code") == key),
            merged[index] if key is None and index < len(merged) else None,
        )
        if match is None:
            merged.append(dict(value))
        else:
            match.update(value)
    return merged


def apply_patches(
    attributes: Mapping[str, Any], patches: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """New attributes after applying valid ``patches`` (see :func:`check_patches`)."""
    result = dict(attributes)
    for patch in patches:
        name = _attribute_name(patch["path"])
        assert name is not None  # checked by check_patches
        value = list(patch.get("value") or [])
        if patch["op"] == "delete":
            result.pop(name, None)
        elif patch["op"] == "merge":
            result[name] = _merge(list(result.get(name, [])), value)
        else:
            result[name] = value
    return result
