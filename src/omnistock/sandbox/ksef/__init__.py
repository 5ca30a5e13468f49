"""KSeF API 2.x sandbox."""

from omnistock.sandbox.ksef.app import create_app
from omnistock.sandbox.ksef.state import KsefSandbox

__all__ = ["KsefSandbox", "create_app"]
