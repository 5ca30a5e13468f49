"""omnistock.notify."""
