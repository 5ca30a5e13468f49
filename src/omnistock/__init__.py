"""omnistock — one stock for many sales channels."""

__version__ = "0.1.0"
