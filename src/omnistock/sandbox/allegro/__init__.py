"""Allegro REST API sandbox (``api.allegro.pl`` and ``allegro.pl/auth/oauth`` on one app)."""

from omnistock.sandbox.allegro.app import AllegroSandbox, create_app
from omnistock.sandbox.allegro.limits import AllegroLimits

__all__ = ["AllegroLimits", "AllegroSandbox", "create_app"]
