"""Fixtures of the sync integration tests (defined in ``sync_helpers``)."""

from sync_helpers import clock, db, make_worker

__all__ = ["clock", "db", "make_worker"]
