"""omnistock.entrypoints."""
