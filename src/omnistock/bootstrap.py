"""The composition root: the only place that chooses and wires adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from omnistock.config import ConfigError, Settings
from omnistock.service.clock import SystemClock
from omnistock.service.ports import Clock
from omnistock.store.engine import make_engine
from omnistock.store.migrate import current_revision, head_revision, upgrade_to_head
from omnistock.store.unit_of_work import SqlUnitOfWork

__all__ = ["App", "DatabaseUnavailable", "NotInitialised", "bootstrap"]


class NotInitialised(ConfigError):
    """The database is missing or not migrated to this version; ``omnistock init`` fixes it."""


class DatabaseUnavailable(ConfigError):
    """The database cannot be opened (server down, wrong credentials, unreadable file)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class App:
    """Wired dependencies for one process: settings, clock, database engine."""

    settings: Settings
    clock: Clock
    engine: Engine

    def uow(self) -> SqlUnitOfWork:
        """A fresh unit of work on this app's engine."""
        return SqlUnitOfWork(self.engine)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    def __enter__(self) -> App:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def bootstrap(settings: Settings, *, clock: Clock | None = None, migrate: bool = False) -> App:
    """Build the app; ``migrate=True`` creates or upgrades the schema to the newest revision.

    Without ``migrate`` the database must exist and be at the newest revision, else
    :class:`NotInitialised` (a missing SQLite file is never created as a side effect).
    """
    if not migrate:
        _require_existing_sqlite(settings.db_url)
    engine = make_engine(settings.db_url)
    try:
        if migrate:
            upgrade_to_head(engine)
        else:
            _require_head(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"cannot open the database: {reason}", field="database.url"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return App(settings=settings, clock=clock or SystemClock(), engine=engine)


def _require_head(engine: Engine) -> None:
    current, head = current_revision(engine), head_revision()
    if current != head:
        if current is None:
            message = "the database has no omnistock schema; run `omnistock init`"
        else:
            message = (
                f"the database is at revision {current}, this omnistock needs {head}; "
                "run `omnistock migrate`"
            )
        raise NotInitialised(message, field="database.url")


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL, or None for memory databases and other engines."""
    prefix, _, rest = url.partition(":///")
    if not prefix.startswith("sqlite") or not rest:
        return None
    path = rest.split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def _require_existing_sqlite(url: str) -> None:
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise NotInitialised(
            f"database {str(path)!r} does not exist; run `omnistock init` first",
            field="database.url",
        )
