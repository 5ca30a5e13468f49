"""omnistock.sandbox."""
