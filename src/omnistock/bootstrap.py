"""The composition root: the only place that chooses and wires adapters from settings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from omnistock.config import ConfigError, Settings
from omnistock.service.clock import SystemClock
from omnistock.service.ports import Clock
from omnistock.store.engine import make_engine
from omnistock.store.migrate import current_revision, head_revision, upgrade_to_head
from omnistock.store.unit_of_work import SqlUnitOfWork

# Imported where used: channels load httpx and every adapter, invoicing loads lxml and the XSD;
# a CLI command that only opens the database starts without them.
if TYPE_CHECKING:
    from omnistock.channels.base import ChannelAdapter
    from omnistock.channels.configured import ChannelAccount
    from omnistock.privacy.cipher import FieldCipher
    from omnistock.service.invoice_jobs import InvoiceJob
    from omnistock.service.order_polling import OrderPolling

__all__ = [
    "App",
    "DatabaseUnavailable",
    "NotInitialised",
    "bootstrap",
    "channel_accounts",
    "channel_adapters",
    "invoice_job",
    "order_polling",
    "token_cipher",
]


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


def channel_accounts(app: App, environ: Mapping[str, str]) -> dict[str, ChannelAccount]:
    """The real channel accounts of ``[channels.NAME]`` (kind from TOML, else the database)."""
    from omnistock.channels.configured import configured_accounts
    from omnistock.store.channel_token_repository import DbTokenStore

    section = app.settings.section("channels")
    if not section:
        return {}
    with app.uow() as uow:
        kinds = {str(account.name): account.kind.value for account in uow.channels.list()}
    cipher = token_cipher(app, environ)
    return configured_accounts(
        section,
        environ,
        db_kinds=kinds,
        token_store=lambda name: DbTokenStore(app.engine, name, cipher=cipher),
    )


def token_cipher(app: App, environ: Mapping[str, str]) -> FieldCipher | None:
    """The cipher sealing stored channel tokens: the privacy keys if configured, else None
    (tokens then stored as given); keys that are configured but invalid raise."""
    from omnistock.privacy.cipher import FieldCipher
    from omnistock.privacy.keys import ENV_KEY_FILE, ENV_KEYS, load_keyring

    key_file = app.settings.section("privacy").get("key_file")
    if not (environ.get(ENV_KEYS, "").strip() or environ.get(ENV_KEY_FILE, "").strip() or key_file):
        return None
    return FieldCipher(load_keyring(environ, key_file=key_file))


def channel_adapters(
    app: App, environ: Mapping[str, str], accounts: Mapping[str, ChannelAccount] | None = None
) -> dict[str, ChannelAdapter]:
    """The adapter of every channel account: the file-backed fakes of ``OMNISTOCK_FAKE_CHANNELS``
    and the configured HTTP adapters (a configured account wins over a fake of the same name)."""
    from omnistock.sync.registry import adapters_from_env

    found = adapters_from_env(environ)
    chosen = channel_accounts(app, environ) if accounts is None else accounts
    found.update({name: account.adapter for name, account in chosen.items()})
    return found


def order_polling(
    app: App, accounts: Mapping[str, ChannelAccount], environ: Mapping[str, str]
) -> OrderPolling | None:
    """The worker's order-import hook over every order-taking account (None if there is none).

    Orders carry personal data, so the privacy keys must be configured (``ConfigError`` if not).
    """
    from omnistock.privacy.sealing import Sealer  # keys are read only when orders are polled
    from omnistock.service.order_polling import OrderPolling, PolledFeed
    from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
    from omnistock.store.order_repository import OrderUnitOfWork

    feeds = {
        name: PolledFeed(feed=account.feed, every_s=account.poll_s)
        for name, account in accounts.items()
        if account.feed is not None and account.poll_s is not None
    }
    if not feeds:
        return None
    privacy = app.settings.section("privacy")
    sealer = Sealer.from_env(environ, key_file=privacy.get("key_file"))
    contacts = ContactPolicy(
        keep_email=bool(privacy.get("keep_order_email", False)),
        keep_phone=bool(privacy.get("keep_order_phone", False)),
    )
    return OrderPolling(
        feeds,
        uow_factory=lambda: OrderUnitOfWork(app.engine),
        sealer=PrivacySealer(sealer),
        contacts=contacts,
        clock=app.clock,
    )


def invoice_job(app: App, environ: Mapping[str, str]) -> InvoiceJob | None:
    """The worker's invoicing hook (None without ``[invoicing]``): paid business orders get their
    invoice; sent to KSeF when ``OMNISTOCK_KSEF_NIP``/``_TOKEN`` are set (else only issued).

    Invoices carry personal data, so the privacy keys must be configured (``ConfigError`` if not).
    """
    section = app.settings.section("invoicing")
    if not section:
        return None
    import httpx

    from omnistock.invoicing.ksef import KsefClient, KsefSettings
    from omnistock.invoicing.nbp import NBP_API, NbpApiSource
    from omnistock.privacy.sealing import Sealer
    from omnistock.service.invoice_config import InvoicingConfig
    from omnistock.service.invoice_jobs import InvoiceJob
    from omnistock.service.order_privacy import PrivacySealer
    from omnistock.store.incident_repository import IncidentStore
    from omnistock.store.invoice_repository import InvoiceUnitOfWork

    config = InvoicingConfig.from_section(section)
    sealer = Sealer.from_env(environ, key_file=app.settings.section("privacy").get("key_file"))
    ksef = KsefSettings.from_env(environ)
    nbp_url = str(section.get("nbp_url", NBP_API))

    @contextmanager
    def rates() -> Iterator[NbpApiSource]:
        with httpx.Client(timeout=10) as client:
            yield NbpApiSource(client, base_url=nbp_url)

    return InvoiceJob(
        uow_factory=lambda: InvoiceUnitOfWork(app.engine, sealer),
        config=config,
        sealer=PrivacySealer(sealer),
        incidents=IncidentStore(app.engine),
        ksef=None if ksef is None else (lambda: KsefClient(ksef)),
        rates=rates,
    )
