"""Alembic environment: runs on the connection given by ``omnistock.store.migrate``.

``alembic -x url=sqlite:///./omnistock.db upgrade head`` (with ``script_location`` pointing
here) also works, for development.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from omnistock.store.engine import make_engine
from omnistock.store.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database as -x url=… or sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


run()
