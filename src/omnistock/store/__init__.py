"""omnistock.store."""
