"""omnistock.channels."""
