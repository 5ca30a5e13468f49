"""Stock sources in the running system: silent sources are stale (never 0), missing rows are
unknown (never 0), re-confirmation can be switched off, the pause switch is audited.

Runs on SQLite always and on PostgreSQL with ``OMNISTOCK_TEST_PG``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from safety_support import (
    T0,
    feed,
    guarded_worker,
    import_feed,
    listed_on_fakes,
    mark_synced,
)
from sqlalchemy import Engine, select

from omnistock.domain.incidents import IncidentKind, Severity
from omnistock.domain.safety import HoldStatus
from omnistock.service.holds import safety_parts
from omnistock.service.incidents import WatchSettings
from omnistock.service.pause import pause, resume
from omnistock.store.tables import listings

N = 20


@pytest.fixture
def synced(engine: Engine):
    stock, fakes, clock = listed_on_fakes(engine, N, ["fake"])
    fake = fakes["fake"]
    worker, parts, tick = guarded_worker(engine, {"fake": fake}, clock)
    import_feed(engine, parts, feed(stock), T0)
    mark_synced(engine)
    return stock, fake, clock, worker, parts, tick


def _desired(engine: Engine) -> dict[str, int]:
    c = listings.c
    with engine.begin() as conn:
        return {r.sku: r.desired for r in conn.execute(select(c.sku, c.desired))}


def test_a_source_that_stops_reporting_is_stale_not_zero(engine, synced) -> None:
    stock, fake, clock, worker, parts, tick = synced
    tick.settings = WatchSettings(source_max_age=timedelta(hours=26))
    worker.run_once()
    assert parts.incidents.incidents() == []  # reported 2 h ago: fresh
    clock.advance(timedelta(hours=25))
    worker.run_once()
    (incident,) = parts.incidents.incidents()
    assert (incident.kind, incident.severity, incident.subject) == (
        IncidentKind.STALE_SOURCE,
        Severity.WARNING,
        "erp",
    )
    assert str(N) in incident.detail
    assert _desired(engine) == stock  # the last known values stay; nothing becomes 0
    assert {s: fake.quantity(f"o-{s}") for s in stock} == stock


def test_rows_missing_from_an_accepted_feed_keep_their_values(engine, synced) -> None:
    stock, fake, clock, worker, parts, _tick = synced
    skus = sorted(stock)
    kept = {s: stock[s] + 1 for s in skus[2:]}  # 90 %: accepted, two SKUs not reported
    import_feed(engine, parts, feed(kept), clock.now())
    worker.run_once()
    assert _desired(engine) == {**stock, **kept}
    assert {s: fake.quantity(f"o-{s}") for s in skus[:2]} == {s: stock[s] for s in skus[:2]}
    assert parts.safety.holds() == []


def test_reconfirmation_switched_off_keeps_the_hold_for_a_person(engine, synced) -> None:
    stock, fake, clock, _worker, _parts, _tick = synced
    parts = safety_parts(engine, {"auto_clear_on_reconfirm": False})
    zeros = dict.fromkeys(stock, 0)
    import_feed(engine, parts, feed(zeros), clock.now())
    clock.advance(timedelta(minutes=30))
    import_feed(engine, parts, feed(dict(reversed(list(zeros.items())))), clock.now())
    (hold,) = parts.safety.holds()
    assert hold.status is HoldStatus.PENDING
    assert {s: fake.quantity(f"o-{s}") for s in stock} == stock


def test_pause_and_resume_are_audited(engine, synced) -> None:
    _stock, _fake, clock, _worker, parts, _tick = synced
    pause(parts.safety, "fake", by="anna", now=clock.now())
    pause(parts.safety, every=True, by="anna", now=clock.now())
    assert parts.paused("fake")
    resume(parts.safety, every=True, by="piotr", now=clock.now() + timedelta(minutes=3))
    assert not parts.paused("fake")
    trail = [(e["action"], e["actor"]) for e in parts.incidents.events("channel", "fake")] + [
        (e["action"], e["actor"]) for e in parts.incidents.events("channel", "*")
    ]
    assert trail == [
        ("paused", "anna"),
        ("resumed", "piotr"),
        ("paused", "anna"),
        ("resumed", "piotr"),
    ]


def test_skus_a_source_stops_reporting_become_stale_not_zero(engine, synced) -> None:
    stock, fake, clock, worker, parts, tick = synced
    tick.settings = WatchSettings(source_max_age=timedelta(hours=26))
    skus = sorted(stock)
    reported = {s: stock[s] for s in skus[2:]}  # two SKUs dropped out of the ERP's export
    import_feed(engine, parts, feed(reported), clock.now())
    worker.run_once()
    assert parts.incidents.incidents() == []  # last reported 2 h ago: not stale yet
    clock.advance(timedelta(hours=25))
    import_feed(engine, parts, feed(dict(reversed(list(reported.items())))), clock.now())
    worker.run_once()
    (incident,) = parts.incidents.incidents()
    assert (incident.kind, incident.subject) == (IncidentKind.STALE_SOURCE, "erp")
    assert incident.detail.startswith("2 SKUs not reported")
    assert _desired(engine) == stock  # their last values stay
    assert {s: fake.quantity(f"o-{s}") for s in skus[:2]} == {s: stock[s] for s in skus[:2]}
