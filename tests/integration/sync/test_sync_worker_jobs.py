"""The worker that ``omnistock worker`` builds also runs the daily retention sweep."""

from datetime import UTC, datetime
from pathlib import Path

from omnistock.bootstrap import bootstrap
from omnistock.config import Settings
from omnistock.entrypoints.cli.worker_build import build_worker
from omnistock.service.clock import FixedClock
from omnistock.service.privacy_jobs import JOB
from omnistock.store.privacy_repository import last_run_day

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def test_cli_worker_runs_the_retention_sweep_once_a_day(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'omnistock.db'}"
    settings = Settings.from_env({}, db_url=url)
    with bootstrap(settings, clock=FixedClock(T0), migrate=True) as app:
        assert last_run_day(app.engine, JOB) is None
        build_worker(app).run_once()
        assert last_run_day(app.engine, JOB) == T0.date()
