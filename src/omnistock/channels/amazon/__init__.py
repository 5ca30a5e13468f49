"""Amazon SP-API: LWA tokens, patchListingsItem / JSON_LISTINGS_FEED, searchOrders."""

from omnistock.channels.amazon.adapter import AmazonAdapter, AmazonConfig

__all__ = ["AmazonAdapter", "AmazonConfig"]
