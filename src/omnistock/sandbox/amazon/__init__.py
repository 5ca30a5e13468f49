"""Amazon Selling Partner API sandbox (LWA, Listings Items, Feeds, Orders 2026-01-01)."""

from omnistock.sandbox.amazon.app import create_app

__all__ = ["create_app"]
