"""Re-confirmation of an import hold only by a newer feed that counted every held SKU (#6 A1).

A good export produced at 10:00 but delayed, a buggy all-zero export produced at 10:05 arriving
first (held): the late good export's rows are all older than the stored counts (stale), so it
counts nothing and must not re-confirm the held zeros.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from safety_support import (
    T0,
    feed,
    guarded_worker,
    listed_on_fakes,
    mark_synced,
)
from sqlalchemy import Engine

from omnistock.channels.fake import InMemoryChannel
from omnistock.domain.safety import HoldStatus
from omnistock.service.stock import ImportSummary, import_stock
from omnistock.store.unit_of_work import SqlUnitOfWork

N = 30


@pytest.fixture
def synced(engine: Engine):
    stock, fakes, clock = listed_on_fakes(engine, N, ["a"])
    fake = fakes["a"]
    worker, parts, _tick = guarded_worker(engine, {"a": fake}, clock)

    def imp(text: str, produced: datetime) -> ImportSummary:
        return import_stock(
            SqlUnitOfWork(engine),
            text,
            source="erp",
            actor="t",
            now=clock.now(),
            gate=parts.gate,
            produced_at=produced,
        )

    imp(feed(stock), T0)
    mark_synced(engine)
    return stock, fake, clock, worker, parts, imp


def _shown(fake: InMemoryChannel, stock: dict[str, int]) -> set[int]:
    return {fake.quantity(f"o-{s}") for s in stock}


def test_a_late_older_feed_whose_rows_are_stale_does_not_reconfirm_held_zeros(synced) -> None:
    stock, fake, clock, worker, parts, imp = synced
    t_good, t_zero = clock.now() - timedelta(minutes=10), clock.now() - timedelta(minutes=5)
    imp(feed(dict.fromkeys(stock, 0)), t_zero)
    assert [h.status for h in parts.safety.holds()] == [HoldStatus.PENDING]
    worker.run_once()
    clock.advance(seconds=60)

    late = imp(feed({s: q + 1 for s, q in stock.items()}), t_good)

    assert (late.applied, late.stale) == (0, N)
    assert [h.status for h in parts.safety.holds()] == [HoldStatus.PENDING]
    worker.run_once()
    assert 0 not in _shown(fake, stock)


def test_a_feed_produced_before_the_held_one_confirms_nothing(synced) -> None:
    """Even one counting every held SKU at the held values (e.g. in another warehouse)."""
    stock, fake, clock, worker, parts, imp = synced
    produced = clock.now() - timedelta(minutes=5)
    imp(feed(dict.fromkeys(stock, 0)), produced)
    clock.advance(seconds=60)
    decided = parts.gate.accepted(
        source="erp",
        import_id="import:erp:older",
        count=N,
        produced_at=produced - timedelta(seconds=1),
        now=clock.now(),
        skus=frozenset(stock),
        applied=frozenset(stock),
    )
    assert decided == []
    assert [h.status for h in parts.safety.holds()] == [HoldStatus.PENDING]
    worker.run_once()
    assert 0 not in _shown(fake, stock)


def test_a_newer_feed_missing_a_held_sku_confirms_nothing(synced) -> None:
    stock, _fake, clock, _worker, parts, imp = synced
    imp(feed(dict.fromkeys(stock, 0)), clock.now() - timedelta(minutes=5))
    clock.advance(seconds=60)
    partial = dict.fromkeys(list(stock)[: N - 1], 0)
    imp(feed(partial), clock.now())
    assert [h.status for h in parts.safety.holds()] == [HoldStatus.PENDING]


def test_a_newer_feed_with_the_same_zeros_reconfirms(synced) -> None:
    stock, fake, clock, worker, parts, imp = synced
    imp(feed(dict.fromkeys(stock, 0)), clock.now() - timedelta(minutes=5))
    clock.advance(seconds=60)
    imp(feed(dict.fromkeys(stock, 0)) + "\n", clock.now())
    assert [h.status for h in parts.safety.holds()] == [HoldStatus.AUTO_CLEARED]
    worker.run_once()
    assert _shown(fake, stock) == {0}


def test_a_newer_feed_with_other_values_supersedes(synced) -> None:
    stock, fake, clock, worker, parts, imp = synced
    imp(feed(dict.fromkeys(stock, 0)), clock.now() - timedelta(minutes=5))
    clock.advance(seconds=60)
    imp(feed({s: q + 1 for s, q in stock.items()}), clock.now())
    assert [h.status for h in parts.safety.holds()] == [HoldStatus.REJECTED]
    worker.run_once()
    assert 0 not in _shown(fake, stock)
