"""Meta (Facebook/Instagram) catalog: items_batch with handles; write-only (no orders)."""

from omnistock.channels.meta.adapter import MetaAdapter, MetaConfig

__all__ = ["MetaAdapter", "MetaConfig"]
