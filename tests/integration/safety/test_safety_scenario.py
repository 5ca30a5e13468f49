"""The must-show scenarios over real HTTP: the Allegro and shop sandboxes, SMSAPI and aiosmtpd.

500 listings on each channel, synced; an all-zero stock import is held (nothing changes on any
channel) in one hold covering both channel accounts, raises one critical incident, and reaches
the seller by SMS and e-mail within 5 s; approving the hold applies it on both. A promotion's
genuine sales are not held. 1,000 identical failures make one incident and one SMS.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from safety_support import (
    T0,
    add_catalog,
    catalog,
    feed,
    guarded_worker,
    import_feed,
    mark_synced,
    run_until,
    seed,
    wait_for,
)
from sqlalchemy import Engine, insert, select

from omnistock.domain.incidents import IncidentKind, NotificationPolicy, Severity, Via
from omnistock.domain.safety import HoldScope, HoldStatus
from omnistock.notify import SmsapiSender, SmsapiSettings, SmtpSecurity, SmtpSender, SmtpSettings
from omnistock.service.clock import FixedClock
from omnistock.service.holds import approve_hold
from omnistock.store.order_tables import order_lines, orders
from omnistock.store.sync_tables import sync_incidents
from omnistock.store.tables import listings

N = 500


@pytest.fixture
def senders(smsapi, smtp) -> Iterator[dict[Via, object]]:
    url, _admin = smsapi
    _inbox, port = smtp
    sms = SmsapiSender(
        SmsapiSettings(token="omnistock-sandbox", recipients=("48600100200",), base_url=url)
    )
    mail = SmtpSender(
        SmtpSettings(
            host="127.0.0.1",
            port=port,
            security=SmtpSecurity.PLAIN,
            sender="alerts@omnistock.example",
            recipients=("owner@shop.example",),
        )
    )
    yield {Via.SMS: sms, Via.EMAIL: mail}
    sms.close()


def _synced(engine: Engine, allegro, shop, stock: dict[str, int], adapters, clock, **kw):
    seed(allegro, stock)
    seed(shop, stock)
    add_catalog(engine, stock, {"allegro": allegro.ids, "shop": shop.ids})
    worker, parts, tick = guarded_worker(engine, adapters, clock, **kw)
    import_feed(engine, parts, feed(stock), T0)
    mark_synced(engine)
    runs = worker.run_once()
    assert [r.batches for r in runs] == [0, 0]  # synced: nothing to send
    return worker, parts, tick


def test_all_zero_import_is_held_reported_and_applied_on_approval(
    engine: Engine, allegro, shop, smsapi, smtp, senders
) -> None:
    stock = catalog(N)
    clock = FixedClock(T0 + timedelta(hours=2))
    adapters = {"allegro": allegro.adapter, "shop": shop.adapter}
    worker, parts, _tick = _synced(engine, allegro, shop, stock, adapters, clock, senders=senders)
    before = {ch.name: ch.quantities() for ch in (allegro, shop)}
    inbox, admin = smtp[0], smsapi[1]

    started = time.monotonic()
    import_feed(engine, parts, feed(dict.fromkeys(stock, 0)), clock.now())
    runs = worker.run_once()
    assert inbox.arrived.wait(max(0.0, 5 - (time.monotonic() - started)))
    wait_for(lambda: len(admin.get("/_sandbox/messages").json()) >= 1, 5, "the SMS")
    assert time.monotonic() - started < 5

    assert [r.pushed for r in runs] == [0, 0]
    assert {ch.name: ch.quantities() for ch in (allegro, shop)} == before  # 0 offers changed
    # one hold covering both channel accounts' changes, made by the import itself
    (hold,) = parts.safety.holds(status=HoldStatus.PENDING)
    assert (hold.channel, hold.scope, hold.channels) == ("*", HoldScope.SET, ("allegro", "shop"))
    assert {ch: len(offers) for ch, offers in hold.offers().items()} == {"allegro": N, "shop": N}
    assert hold.cause.startswith("import:erp:")
    (incident,) = parts.incidents.incidents()
    assert (incident.kind, incident.severity, incident.count) == (
        IncidentKind.GUARD_HOLD,
        Severity.CRITICAL,
        1,
    )
    (sms,) = admin.get("/_sandbox/messages").json()
    assert "guard_hold" in sms["message"]
    assert len(inbox.messages) == 1

    approve_hold(parts.safety, parts.sync, parts.incidents, hold.id, by="owner", now=clock.now())
    run_until(worker, clock, [allegro.sandbox, shop.sandbox], lambda: _all_zero(engine))
    for ch in (allegro, shop):
        shown = dict(ch.adapter.read_quantities(list(ch.ids.values())))
        assert set(shown.values()) == {0}, ch.name
    assert parts.incidents.incidents()[0].resolved_by == "owner"


def _all_zero(engine: Engine) -> bool:
    with engine.begin() as conn:
        pushed = conn.execute(select(listings.c.last_pushed)).scalars().all()
    return set(pushed) == {0}


def test_big_promotion_emptying_many_skus_is_not_held(engine: Engine, allegro, shop) -> None:
    stock = catalog(N, seed=11)
    clock = FixedClock(T0 + timedelta(hours=2))
    adapters = {"allegro": allegro.adapter, "shop": shop.adapter}
    worker, parts, _tick = _synced(engine, allegro, shop, stock, adapters, clock)
    sold_out = sorted(stock)[:400]  # 80 % of the catalogue sells out in the promotion
    now = clock.now()
    with engine.begin() as conn:
        for n, sku in enumerate(sold_out):
            order_id = conn.execute(
                insert(orders)
                .values(
                    channel="shop", external_id=f"promo-{n}", first_seen_at=now, last_seen_at=now
                )
                .returning(orders.c.id)
            ).scalar_one()
            conn.execute(
                insert(order_lines).values(
                    order_id=order_id,
                    line_id="1",
                    offer_id=shop.ids[sku],
                    sku=sku,
                    quantity=stock[sku],
                )
            )
    after = {s: (0 if s in sold_out else q) for s, q in stock.items()}
    import_feed(engine, parts, feed(after), now)
    run_until(worker, clock, [allegro.sandbox, shop.sandbox], lambda: _pushed_all(engine))

    assert parts.safety.holds() == []
    assert parts.incidents.incidents() == []
    shown = dict(shop.adapter.read_quantities([shop.ids[s] for s in sold_out]))
    assert set(shown.values()) == {0}


def _pushed_all(engine: Engine) -> bool:
    with engine.begin() as conn:
        rows = conn.execute(select(listings.c.desired, listings.c.last_pushed)).all()
    return all(d == p for d, p in rows)


def test_thousand_identical_failures_make_one_incident_and_one_sms(
    engine: Engine, smsapi, smtp, senders
) -> None:
    clock = FixedClock(T0)
    policy = NotificationPolicy(enabled=frozenset(senders), sms_per_hour=2)
    worker, parts, tick = guarded_worker(engine, {}, clock, senders=senders, policy=policy)
    admin = smsapi[1]
    with engine.begin() as conn:  # two other problems at the same time: the SMS cap is reached
        conn.execute(
            insert(sync_incidents),
            [
                {"channel": ch, "offer_id": "o-1", "kind": "sync_dead", "message": "gave up",
                 "created_at": T0}
                for ch in ("allegro", "shop")
            ],
        )  # fmt: skip
    for n in range(1000):
        with engine.begin() as conn:
            conn.execute(
                insert(sync_incidents).values(
                    channel="allegro", offer_id="o-7", kind="sync_dead", message="HTTP 503",
                    created_at=T0,
                )
            )  # fmt: skip
        if n % 100 == 0:
            worker.run_once()
            clock.advance(timedelta(seconds=1))
    clock.advance(timedelta(minutes=11))  # dead items are errors: SMS once not acknowledged
    for _ in range(3):
        worker.run_once()
        clock.advance(timedelta(minutes=1))

    found = {i.subject + "@" + str(i.channel): i for i in parts.incidents.incidents()}
    assert found["o-7@allegro"].count == 1000
    assert len(found) == 3
    messages = admin.get("/_sandbox/messages").json()
    assert len(messages) == 2  # one alert + one digest of the rest (cap of 2 per hour)
    sms_rows = [
        s for s in parts.incidents.sent_log()
        if s.via is Via.SMS and s.incident_id == found["o-7@allegro"].id
    ]  # fmt: skip
    assert len(sms_rows) == 1
    assert tick.last is not None
