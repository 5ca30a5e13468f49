"""A listings issue, rendered for the Listings Items API and for feed processing reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Issue", "bad_quantity", "internal_failure", "missing_channel_code", "unknown_sku"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One problem with a submission; ``ERROR`` issues stop it from being applied."""

    code: str
    message: str
    severity: str = "ERROR"
    attribute: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)

    def for_listings_api(self) -> dict[str, Any]:
        """Shape of ``Issue`` in listingsItems_2021-08-01."""
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "categories": list(self.categories),
        }
        if self.attribute:
            body["attributeNames"] = [self.attribute]
        return body

    def for_report(self, message_id: int | None, sku: str | None) -> dict[str, Any]:
        """Shape of an issue in listings-feed-processing-report-schema-v2."""
        body: dict[str, Any] = {"code": self.code, "severity": self.severity}
        body["message"] = self.message
        if message_id is not None:
            body["messageId"] = message_id
        if sku:
            body["sku"] = sku
        if self.attribute:
            body["attributeName"] = self.attribute
        return body


def missing_channel_code() -> Issue:
    """``fulfillment_availability`` value without ``fulfillment_channel_code``."""
    return Issue(
        code="90220",
        message=(
            "The field 'fulfillment_channel_code' for the attribute 'fulfillment_availability' "
            "does not have enough values. The required minimum is '1' value(s)."
        ),
        attribute="fulfillment_availability",
        categories=("MISSING_ATTRIBUTE",),
    )


def bad_quantity(value: object) -> Issue:
    """``quantity`` that is not a whole number ≥ 0."""
    return Issue(
        code="4000001",
        message=f"The provided value '{value}' for 'quantity' is invalid: expected an integer ≥ 0.",
        attribute="fulfillment_availability",
        categories=("INVALID_ATTRIBUTE",),
    )


def unknown_sku(sku: str) -> Issue:
    """A patch for a SKU the seller has no listing for (sandbox-defined code)."""
    return Issue(
        code="4000004",
        message=f"SKU '{sku}' does not exist for this selling partner. Create the listing first.",
        categories=("INVALID_ATTRIBUTE",),
    )


def internal_failure() -> Issue:
    """Injected per-message failure (fault ``partial_batch_failure_rate``)."""
    return Issue(code="InternalFailure", message="An internal error occurred. Please resubmit.")
