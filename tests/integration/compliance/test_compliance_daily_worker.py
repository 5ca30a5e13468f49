"""The daily compliance run in the worker: stored results, rule incidents, push guard, wiring.

Real database (SQLite, and PostgreSQL with ``OMNISTOCK_TEST_PG``), real listing files, the real
dispatcher with an in-memory channel.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from omnistock.bootstrap import bootstrap
from omnistock.channels.fake import InMemoryChannel, default_capabilities
from omnistock.compliance.daily_job import ComplianceDaily, Gathered, file_source
from omnistock.compliance.packs import load_pack
from omnistock.compliance.results import latest_compliance_results
from omnistock.compliance.worker import ComplianceGuard, chain_guards
from omnistock.config import Settings
from omnistock.domain.compliance import Lang, ListingContent, RulePack, check
from omnistock.domain.incidents import IncidentKind, IncidentState, Severity
from omnistock.service.clock import FixedClock
from omnistock.store.compliance_repository import blocking_offers, latest_run, save_run
from omnistock.store.incident_repository import IncidentStore
from omnistock.store.sync_repository import SyncStore
from omnistock.store.sync_tables import sync_listing_state
from omnistock.store.tables import channels, listings, products
from omnistock.sync.dispatcher import Hold, SyncConfig
from omnistock.sync.worker import Worker

DAY = date(2026, 7, 1)
NOW = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
PACK = """\
pack: house
channel: allegro
version: "3"
rules:
  - id: title.present
    severity: error
    effective_from: 2026-01-01
    source: https://example.org/house
    description: {pl: Oferta ma tytuł., en: The offer has a title.}
    fix: {pl: Dodaj tytuł., en: Add a title.}
    check: {type: present, field: title}
  - id: gtin.present
    severity: warning
    effective_from: 2026-07-20
    source: https://example.org/house
    description: {pl: Oferta ma GTIN., en: The offer has a GTIN.}
    fix: {pl: Dodaj GTIN., en: Add a GTIN.}
    check: {type: present, field: gtin}
"""


@pytest.fixture
def pack(tmp_path: Path) -> RulePack:
    path = tmp_path / "house.yaml"
    path.write_text(PACK, encoding="utf-8")
    return load_pack(path)


def _write(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


BAD = [{"offer": "1", "channel": "allegro"}, {"offer": "2", "channel": "allegro"}]
GOOD = [{"offer": n, "channel": "allegro", "title": "Kubek", "gtin": "5901234123457"}
        for n in ("1", "2")]  # fmt: skip


def _rule_incidents(engine: Engine) -> dict[tuple[str, str], tuple[Severity, int, str, str]]:
    return {
        (i.kind, i.subject): (i.severity, i.count, i.state, i.detail)
        for i in IncidentStore(engine).incidents()
        if i.kind in (IncidentKind.RULE_UPCOMING, IncidentKind.RULE_VIOLATION)
    }


def test_store_round_trip_keeps_the_newest_runs_and_names_blocking_offers(
    engine: Engine, pack: RulePack
) -> None:
    listing = [ListingContent(offer="7", channel="allegro")]
    report = check(listing, [pack], DAY, upcoming_days=30)
    first = save_run(engine, report, packs=[pack], ran_at=NOW, source="worker", errors=["x: y"])
    run = latest_run(engine)
    assert run is not None
    assert run.id == first
    assert (run.as_of, run.upcoming_until, run.checked, run.ran_at) == (
        DAY,
        DAY + timedelta(days=30),
        1,
        NOW,
    )
    assert run.packs == ({"pack": "house", "channel": "allegro", "version": "3"},)
    assert run.errors == ("x: y",)
    assert [(r.rule, r.upcoming, r.severity.value) for r in run.results] == [
        ("title.present", False, "error"),
        ("gtin.present", True, "warning"),
    ]
    assert run.violations[0].message_en.startswith("Add a title.")
    assert blocking_offers(engine, "allegro", DAY).keys() == {"7"}
    assert blocking_offers(engine, "amazon", DAY) == {}
    for _ in range(3):
        save_run(engine, report, packs=[pack], ran_at=NOW, source="cli", keep=2)
    assert latest_run(engine, source="worker") is None  # pruned: only the newest 2 are kept
    assert latest_run(engine, source="cli") is not None


def test_daily_run_alerts_before_a_rule_bites_then_when_it_does(
    engine: Engine, pack: RulePack, tmp_path: Path
) -> None:
    path = _write(tmp_path / "listings.json", BAD)
    job = ComplianceDaily(
        engine=engine, packs=[pack], sources={"file": file_source(path)}, upcoming_days=30
    )
    first = job.run(NOW)
    assert (first.ran, first.checked, first.violations, first.upcoming, first.alerts) == (
        True, 2, 2, 2, 2,
    )  # fmt: skip
    found = _rule_incidents(engine)
    assert found == {
        (IncidentKind.RULE_VIOLATION, "rule house/title.present"): (
            Severity.ERROR, 1, IncidentState.OPEN,
            "2 offers break title.present, in force since 2026-01-01",
        ),
        (IncidentKind.RULE_UPCOMING, "rule house/gtin.present"): (
            Severity.WARNING, 1, IncidentState.OPEN, "2 offers break gtin.present from 2026-07-20",
        ),
    }  # fmt: skip
    assert job.run(NOW + timedelta(hours=5)).ran is False  # once per day
    again = job.run(NOW + timedelta(days=1))
    assert (again.ran, again.alerts) == (True, 0)  # same rules, same offers: told already
    assert {v[1] for v in _rule_incidents(engine).values()} == {1}
    bites = job.run(datetime(2026, 7, 20, 4, tzinfo=UTC))  # gtin.present is in force now
    assert (bites.alerts, bites.resolved) == (1, 1)
    found = _rule_incidents(engine)
    assert found[(IncidentKind.RULE_VIOLATION, "rule house/gtin.present")][:3] == (
        Severity.WARNING, 1, IncidentState.OPEN,
    )  # fmt: skip
    assert found[(IncidentKind.RULE_UPCOMING, "rule house/gtin.present")][2] == "resolved"
    _write(path, GOOD)
    fixed = job.run(datetime(2026, 7, 21, 4, tzinfo=UTC))
    assert (fixed.violations, fixed.upcoming, fixed.resolved) == (0, 0, 2)
    assert {v[2] for v in _rule_incidents(engine).values()} == {"resolved"}
    stored = latest_compliance_results(engine, lang=Lang.EN)
    assert stored is not None
    assert (stored["as_of"], stored["checked"], stored["violations"]) == ("2026-07-21", 2, [])


def test_a_failing_source_is_named_and_the_others_are_still_checked(
    engine: Engine, pack: RulePack, tmp_path: Path
) -> None:
    def broken(day: date) -> Gathered:
        raise OSError("connection refused")

    path = _write(tmp_path / "listings.json", BAD[:1])
    job = ComplianceDaily(
        engine=engine, packs=[pack], sources={"shop": broken, "file": file_source(path)}
    )
    summary = job.run(NOW)
    assert summary.errors == ("shop: OSError: connection refused",)
    stored = latest_compliance_results(engine, channel="allegro")
    assert stored is not None
    assert stored["errors"] == ["shop: OSError: connection refused"]
    assert [(v["offer"], v["rule"]) for v in stored["violations"]] == [("1", "title.present")]
    assert stored["upcoming"][0]["effective_from"] == "2026-07-20"
    assert stored["packs"] == [{"pack": "house", "channel": "allegro", "version": "3"}]
    assert latest_compliance_results(engine, channel="amazon")["violations"] == []  # type: ignore[index]


def _listing_rows(engine: Engine, offers: dict[str, tuple[int, int]]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(channels).values(name="allegro-1", kind="allegro"))
        for offer, (desired, last) in offers.items():
            conn.execute(
                insert(products).values(
                    sku=f"S{offer}", name=offer, vat="23", unit="szt.", price_gross=1
                )
            )
            conn.execute(insert(listings).values(
                channel="allegro-1", sku=f"S{offer}", offer_id=offer, desired=desired,
                last_pushed=last, observed_at=NOW - timedelta(hours=1)))  # fmt: skip


def test_push_guard_holds_offers_breaking_an_error_rule_in_force(
    engine: Engine, pack: RulePack
) -> None:
    # offers 1 and 3 break title.present (error, in force), 2 is fine; 3 goes to 0, and
    # ending an offer always goes
    found = [ListingContent(offer=n, channel="allegro", title=t) for n, t in
             (("1", None), ("2", "Kubek"), ("3", None))]  # fmt: skip
    save_run(engine, check(found, [pack], DAY), packs=[pack], ran_at=NOW, source="worker")
    _listing_rows(engine, {"1": (5, 0), "2": (5, 0), "3": (0, 4)})
    asked: list[str] = []

    def safety(channel: str, changes: object, now: datetime) -> list[Hold]:
        asked.extend(c.offer_id for c in changes)  # type: ignore[attr-defined]
        return []

    guard = chain_guards(safety, ComplianceGuard(engine=engine, kinds={"allegro-1": "allegro"}))
    fake = InMemoryChannel(name="allegro-1", capabilities=default_capabilities())
    worker = Worker(
        store=SyncStore(engine),
        adapters={"allegro-1": fake},
        clock=FixedClock(NOW),
        holder="w1",
        config=SyncConfig(guard=guard),
    )
    worker.run_once()
    assert sorted(asked) == ["1", "2", "3"]
    assert (fake.quantity("2"), fake.quantity("3")) == (5, 0)
    c = sync_listing_state.c
    with engine.connect() as conn:
        row = conn.execute(
            select(c.state, c.error_message).where(c.channel == "allegro-1", c.offer_id == "1")
        ).one()
    assert row.state == "error"
    assert row.error_message.startswith(
        "compliance: breaks an error rule in force: house/title.present: Add a title."
    )
    assert fake.quantity("1") == 0
    worker.run_once()  # still broken in the newest run: asked again, still not sent
    assert fake.quantity("1") == 0
    fixed = [ListingContent(offer=n, channel="allegro", title="Kubek") for n in ("1", "3")]
    save_run(engine, check(fixed, [pack], DAY), packs=[pack], ran_at=NOW, source="worker")
    worker.run_once()
    assert fake.quantity("1") == 5  # the next run found it fixed: the push goes by itself


def test_omnistock_worker_runs_the_daily_check_and_wires_the_guard(tmp_path: Path) -> None:
    from omnistock.entrypoints.cli.worker_build import build_worker

    _write(tmp_path / "listings.json", BAD)
    (tmp_path / "house.yaml").write_text(PACK, encoding="utf-8")
    config = tmp_path / "omnistock.toml"
    config.write_text(
        '[compliance]\npacks = ["house.yaml"]\nshipped = false\nlistings = ["listings.json"]\n'
        "block_push = true\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'omnistock.db'}"
    settings = Settings.from_env({}, db_url=url, config_file=config)
    with bootstrap(settings, clock=FixedClock(NOW), migrate=True) as app:
        worker = build_worker(app)
        daily = [t for t in worker.tick if isinstance(t, ComplianceDaily)]
        assert len(daily) == 1
        worker.run_once()
        assert daily[0].join(timeout=30)
        assert daily[0].last is not None
        assert daily[0].last.checked == 2
        stored = latest_compliance_results(app.engine)
        assert stored is not None
        assert stored["source"] == "worker"
        assert {v["rule"] for v in stored["violations"]} == {"title.present"}
        assert {i.kind for i in IncidentStore(app.engine).incidents()} == {
            IncidentKind.RULE_VIOLATION,
            IncidentKind.RULE_UPCOMING,
        }
        # no channel account here, so check the wiring of the guard on its own
        from omnistock.compliance.worker import worker_compliance

        base = SyncConfig()
        wired, _ = worker_compliance(app, {}, base, [])
        assert base.guard is None
        assert wired.guard is not None
        assert wired.guard("allegro", [], NOW) == []


def test_the_tick_runs_once_a_day_and_inline_on_an_in_memory_database(
    pack: RulePack, tmp_path: Path
) -> None:
    from omnistock.store.engine import make_engine
    from omnistock.store.migrate import upgrade_to_head

    engine = make_engine("sqlite://")
    try:
        upgrade_to_head(engine)
        path = _write(tmp_path / "listings.json", BAD)
        job = ComplianceDaily(engine=engine, packs=[pack], sources={"f": file_source(path)})
        assert job(NOW) is True
        assert job.last is not None  # done already: one shared connection, no thread
        assert job.last.checked == 2
        assert job(NOW + timedelta(hours=1)) is False  # today's run is stored
        assert job(NOW + timedelta(days=1)) is True
    finally:
        engine.dispose()
