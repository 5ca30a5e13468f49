"""An imported order is found by the buyer's e-mail and phone even when the configuration keeps
neither (only their keyed hashes), and no log line written while it is imported carries the
buyer's values. SQLite always, PostgreSQL when ``OMNISTOCK_TEST_PG`` is set."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from privacy_helpers import OLD_RING
from sqlalchemy import Engine, select

from omnistock.domain.ids import ChannelId
from omnistock.domain.orders import Address, ObservedOrder, OrderLine, OrderStatus, PersonalData
from omnistock.domain.orders.feed import FeedEntry, FeedPage
from omnistock.privacy.redaction import RedactionFilter
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import SubjectQuery
from omnistock.service.clock import FixedClock
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.orders import import_feed
from omnistock.service.privacy_requests import export_person
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.order_tables import orders

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
RAW = {
    "id": "W-9",
    "buyer": {"login": "kwiatek77", "email": "Marta.Lis@example.pl", "phone": "601 202 303"},
    "shipping": {"name": "Marta Lis", "street": "Ogrodowa 3/5", "city": "Wrocław"},
}
VALUES = ("kwiatek77", "marta.lis@example.pl", "601 202 303", "601202303", "Marta Lis",
          "Ogrodowa 3/5")  # fmt: skip
log = logging.getLogger("omnistock.channels.test_feed")


class ChattyFeed:
    """A feed whose parser logs the buyer as it reads the order (as a careless adapter could)."""

    channel = ChannelId("sklep")
    feeds = ("orders",)

    def changes(self, feed: str, cursor: str | None) -> FeedPage:
        return FeedPage(entries=(FeedEntry(external_id="W-9", raw=RAW),), cursor="c1")

    def fetch(self, external_id: str) -> None:
        raise AssertionError("the listing carries the raw order")

    def cursor_since(self, feed: str, moment: datetime) -> str | None:
        return None

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
        buyer, ship = raw["buyer"], raw["shipping"]
        log.info("order %s by %s <%s> to %s", raw["id"], buyer["login"], buyer["email"], ship)
        personal = PersonalData(
            name=ship["name"],
            delivery=Address(name=ship["name"], street=ship["street"], city=ship["city"]),
            email=buyer["email"],
            phone=buyer["phone"],
            buyer_ref=f"sklep:{buyer['login']}",
        )
        line = OrderLine(line_id="1", offer_id="kubek", quantity=1)
        return ObservedOrder(channel=self.channel, external_id=raw["id"], status=OrderStatus.PAID,
                             channel_status="processing", lines=(line,), updated_at=NOW,
                             personal=personal)  # fmt: skip


def test_order_is_found_by_contacts_not_kept_and_logs_carry_no_buyer_value(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RedactionFilter())
    caplog.set_level(logging.DEBUG)
    sealer = PrivacySealer(Sealer(OLD_RING))
    summary = import_feed(
        lambda: OrderUnitOfWork(engine), ChattyFeed(), "orders", sealer=sealer,
        contacts=ContactPolicy(), clock=FixedClock(NOW),
    )  # fmt: skip
    assert summary.created == 1
    with engine.connect() as conn:
        row = conn.execute(select(orders)).mappings().one()
    assert (row["buyer_email"], row["buyer_phone"]) == (None, None)  # minimised away…
    for query in (SubjectQuery(email="marta.lis@example.pl"), SubjectQuery(phone="+48601202303"),
                  SubjectQuery(customer="sklep:kwiatek77")):  # fmt: skip
        found = export_person(engine, sealer.sealer, query, NOW, actor="dpo", surface="test")
        [record] = found.records  # …yet the order is found by them (keyed hashes)
        assert record.fields["buyer_name"] == "Marta Lis"
        assert set(record.fields) == {"buyer_name", "delivery_address"}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "order W-9 by" in logged
    assert "order applied" in logged
    assert [v for v in VALUES if v.lower() in logged.lower()] == [], logged
