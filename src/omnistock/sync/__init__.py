"""omnistock.sync."""
