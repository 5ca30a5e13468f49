"""omnistock.privacy."""
