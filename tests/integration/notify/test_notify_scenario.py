"""Guard → holds → incident → notifications over real SMS and SMTP transports.

The dispatcher wiring (sending approved holds to the Allegro and shop sandboxes) belongs to the
sync area; this test covers everything up to it with the real SMSAPI sandbox and aiosmtpd.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.incidents import (
    Incident,
    IncidentState,
    NotificationPolicy,
    Severity,
    Via,
    plan_notifications,
    record_many,
)
from omnistock.domain.incidents.sources import from_verdict, suspicious_read
from omnistock.domain.safety import (
    ActiveListing,
    HoldStatus,
    ProposedChange,
    approve,
    guard_change_set,
    holds_from_verdict,
    reconfirm,
    suspicious_channel_read,
)
from omnistock.notify import (
    DeliveryStatus,
    Notifier,
    SmsapiSender,
    SmsapiSettings,
    SmtpSecurity,
    SmtpSender,
    SmtpSettings,
)
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.smsapi.app import create_app

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Saturday night: critical ignores quiet hours
CHANNELS = (ChannelId("allegro-main"), ChannelId("shop"))
N = 500


def catalog(seed: int = 7) -> dict[Sku, int]:
    rng = random.Random(seed)
    return {Sku(f"SKU-{i:04d}"): rng.randint(1, 60) for i in range(N)}


def change_set(channel: ChannelId, stock: dict[Sku, int], new: dict[Sku, int]):
    proposed = [
        ProposedChange(channel=channel, offer_id=f"{channel}-{sku}", sku=sku, previous=qty,
                       quantity=new[sku], observed_at=NOW)
        for sku, qty in stock.items() if new[sku] != qty
    ]  # fmt: skip
    current = [
        ActiveListing(offer_id=f"{channel}-{sku}", sku=sku, quantity=qty)
        for sku, qty in stock.items()
    ]
    return proposed, current


@pytest.fixture
def transports(serve, smtp_server):
    inbox, port = smtp_server()
    server = serve(create_app(SandboxOptions()))
    sms = SmsapiSender(
        SmsapiSettings(token="omnistock-sandbox", recipients=("48600100200",), base_url=server.url)
    )
    mail = SmtpSender(
        SmtpSettings(host="127.0.0.1", port=port, security=SmtpSecurity.PLAIN,
                     sender="alerts@omnistock.example", recipients=("owner@shop.example",))
    )  # fmt: skip
    admin = httpx.Client(base_url=server.url, timeout=10)
    yield Notifier({Via.SMS: sms, Via.EMAIL: mail}), inbox, admin
    sms.close()
    admin.close()


def test_all_zero_import_is_held_and_reported_within_five_seconds(transports) -> None:
    notifier, inbox, admin = transports
    stock = catalog()
    zeros = dict.fromkeys(stock, 0)
    started = time.monotonic()
    sent, holds, occurrences = 0, [], []
    for channel in CHANNELS:
        verdict = guard_change_set(*change_set(channel, stock, zeros), explained={})
        sent += len(verdict.send)
        holds += holds_from_verdict(
            verdict, ids=[f"hold-{channel}"], channel=channel, now=NOW, cause="import-7"
        )
        occurrences += from_verdict(verdict, channel, cause="import-7")
    incidents = record_many({}, occurrences, NOW)
    policy = NotificationPolicy(enabled=frozenset({Via.SMS, Via.EMAIL}))
    plan = plan_notifications(list(incidents.values()), [], NOW, policy)
    records = notifier.deliver_all(plan, NOW)
    assert inbox.arrived.wait(5)
    elapsed = time.monotonic() - started

    assert sent == 0  # nothing leaves for any channel
    assert [len(h.items) for h in holds] == [N, N]  # one set hold per channel account
    assert {h.cause for h in holds} == {"import-7"}
    (incident,) = incidents.values()  # one critical incident for the one bad import
    assert (incident.severity, incident.count) == (Severity.CRITICAL, 2)
    assert [r.status for r in records] == [DeliveryStatus.SENT, DeliveryStatus.SENT]
    (sms,) = admin.get("/_sandbox/messages").json()
    assert "CRITICAL guard_hold" in sms["message"]
    assert len(inbox.messages) == 1
    assert elapsed < 5

    approved = [approve(h, by="owner", now=NOW + timedelta(minutes=5)) for h in holds]
    assert {h.status for h in approved} == {HoldStatus.APPROVED}
    assert sum(len(h.items) for h in approved) == 2 * N  # what the dispatcher then sends


def test_next_import_confirming_the_zeros_clears_the_holds() -> None:
    stock = catalog()
    zeros = dict.fromkeys(stock, 0)
    channel = CHANNELS[0]
    verdict = guard_change_set(*change_set(channel, stock, zeros), explained={})
    (hold,) = holds_from_verdict(verdict, ids=["h"], channel=channel, now=NOW)
    again = {(channel, f"{channel}-{sku}"): 0 for sku in stock}
    assert reconfirm(hold, again, import_id="import-8", now=NOW).status is HoldStatus.AUTO_CLEARED


def test_big_promotion_emptying_many_skus_is_not_held() -> None:
    stock = catalog()
    rng = random.Random(3)
    sold_out = set(rng.sample(sorted(stock), 400))  # 80 % of the catalog sells out
    new = {sku: 0 if sku in sold_out else qty for sku, qty in stock.items()}
    orders = {sku: stock[sku] for sku in sold_out}  # imported orders explain every unit
    for channel in CHANNELS:
        verdict = guard_change_set(*change_set(channel, stock, new), explained=orders)
        assert verdict.clean
        assert len(verdict.send) == 400
        assert from_verdict(verdict, channel) == []


def test_channel_claiming_every_offer_is_zero_is_a_critical_incident() -> None:
    stock = catalog()
    believed = {f"shop-{sku}": qty for sku, qty in stock.items()}
    read = dict.fromkeys(believed, 0)
    assert suspicious_channel_read(read, believed)
    incidents: dict[str, Incident] = record_many({}, [suspicious_read("shop", len(read))], NOW)
    (incident,) = incidents.values()
    assert (incident.severity, incident.state) == (Severity.CRITICAL, IncidentState.OPEN)


def test_thousand_identical_failures_one_sms_in_the_sandbox(transports) -> None:
    from omnistock.domain.incidents import IncidentKind, NotificationKind, Occurrence, SentRecord

    notifier, inbox, admin = transports
    occ = Occurrence(
        kind=IncidentKind.DEAD_ITEM, severity=Severity.CRITICAL, subject="batch", channel="shop"
    )
    policy = NotificationPolicy(enabled=frozenset({Via.SMS, Via.EMAIL}))
    current: dict[str, Incident] = {}
    log: list[SentRecord] = []
    kinds: list[NotificationKind] = []
    for i in range(1000):
        now = NOW + timedelta(seconds=4 * i)  # 1000 failures over about 67 minutes
        current.update(record_many(current, [occ], now))
        for rec in notifier.deliver_all(
            plan_notifications(list(current.values()), log, now, policy), now
        ):
            log += rec.sent_records()
            kinds.append(rec.notification.kind)
    (incident,) = current.values()
    assert incident.count == 1000
    assert len(admin.get("/_sandbox/messages").json()) == 1  # one SMS
    assert sorted(kinds) == sorted(
        [NotificationKind.ALERT, NotificationKind.ALERT, NotificationKind.REPEATED]
    )  # SMS + e-mail alert, then one "still happening" digest e-mail after an hour
    assert len(inbox.messages) == 2
    assert "Occurrences: " in inbox.messages[1].content.decode()
