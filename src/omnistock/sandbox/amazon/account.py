"""The sandbox's one selling partner: seller id, marketplaces and the self-authorized grant."""

from __future__ import annotations

__all__ = ["MARKETPLACES", "MARKETPLACE_PL", "REFRESH_TOKEN", "SELLER_ID"]

SELLER_ID = "A2OMNISTOCKSBX"
"""Merchant token of the sandbox seller (``sellerId`` in paths and feed headers)."""

REFRESH_TOKEN = "Atzr|omnistock-sandbox"
"""LWA refresh token of the seller's self-authorization (as Seller Central shows it)."""

MARKETPLACE_PL = "A1C3SOZRARQ6R3"

MARKETPLACES: dict[str, str] = {
    MARKETPLACE_PL: "Amazon.pl",
    "A1PA6795UKMFR9": "Amazon.de",
    "A13V1IB3VIYZZH": "Amazon.fr",
    "APJ6JRA9NG5V4": "Amazon.it",
    "A1RKKUPIHCS9HS": "Amazon.es",
    "A1805IZSGTT6HS": "Amazon.nl",
    "A2NODRKZP88ZB9": "Amazon.se",
}
"""Marketplaces of the EU region the sandbox accepts (id → name)."""
