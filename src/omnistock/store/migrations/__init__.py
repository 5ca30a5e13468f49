"""Alembic migrations of the omnistock schema (run with ``omnistock.store.migrate``)."""
