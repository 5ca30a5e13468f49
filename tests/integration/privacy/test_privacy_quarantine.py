"""Quarantined order payloads are declared personal data: sealed and bound to their row, found
by the map check, re-encrypted by rotation, emptied by the sweep 30 days after receipt, found by
the person's e-mail/phone for export and erasure; a failing order's reason, incident and log
lines carry none of the buyer's values. SQLite always, PostgreSQL when set."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from privacy_helpers import BOTH_RING, OLD_RING, hex_forms, pg_dump
from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import make_url

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId
from omnistock.domain.orders import ObservedOrder
from omnistock.domain.orders.feed import FeedEntry, FeedPage
from omnistock.privacy.cipher import DecryptionFailed, FieldCipher, FieldRef, key_id
from omnistock.privacy.inventory import DATA_MAP
from omnistock.privacy.redaction import RedactionFilter
from omnistock.privacy.rotation import rotate
from omnistock.privacy.scan import database_files, plaintext_hits, sealed_outside_map
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import SubjectQuery
from omnistock.privacy.sweep import sweep
from omnistock.service.clock import FixedClock
from omnistock.service.order_apply import quarantine, rebind_quarantined
from omnistock.service.order_privacy import ContactPolicy, PrivacySealer
from omnistock.service.orders import import_feed
from omnistock.service.privacy_requests import erase_person, export_person
from omnistock.store.engine import make_engine
from omnistock.store.order_repository import OrderUnitOfWork
from omnistock.store.order_tables import order_quarantine
from omnistock.store.tables import metadata

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _quarantine(engine: Engine, buyer: str) -> None:
    with OrderUnitOfWork(engine) as uow:
        raw = {"id": "B1", "buyer": buyer, "status": "teleported"}
        quarantine(
            uow, ChannelId("sklep"), "B1", raw, "KeyError: status",
            sealer=PrivacySealer(Sealer(OLD_RING)), now=NOW,
        )  # fmt: skip
        uow.commit()


def _rows(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        query = select(order_quarantine).order_by(order_quarantine.c.id)
        return [dict(r._mapping) for r in conn.execute(query)]


def test_quarantined_payload_is_declared_bound_rotated_and_swept(engine: Engine) -> None:
    _quarantine(engine, "Zofia Wiśniewska")
    _quarantine(engine, "Jan Brzęczek")
    assert sealed_outside_map(engine, metadata, DATA_MAP) == []
    first, second = _rows(engine)
    opened = Sealer(OLD_RING).open("order_quarantine", first["id"], first)
    assert "Zofia Wiśniewska" in opened["payload"]
    assert rotate(engine, FieldCipher(BOTH_RING), DATA_MAP).complete
    rotated = _rows(engine)
    assert {key_id(str(r["payload"])) for r in rotated} == {"new"}
    again = Sealer(BOTH_RING).open("order_quarantine", second["id"], rotated[1])
    assert "Jan Brzęczek" in again["payload"]
    assert sweep(engine, DATA_MAP, NOW + timedelta(days=29)).total == 0
    report = sweep(engine, DATA_MAP, NOW + timedelta(days=31))
    assert report.emptied["order_quarantine.payload"] == 2
    assert [r["payload"] for r in _rows(engine)] == [None, None]
    assert [r["reason"] for r in _rows(engine)] == ["KeyError: status"] * 2  # the reason stays


BUYER = {
    "id": "Q7",
    "status": "teleported",
    "billing": {
        "first_name": "Zofia",
        "last_name": "Wiśniewska",
        "address_1": "ul. Kwiatowa 17",
        "email": "Zofia.W@example.pl",
        "phone": "600 700 800",
    },
}
VALUES = ("Zofia", "Wiśniewska", "Kwiatowa 17", "zofia.w@example.pl", "600 700 800", "600700800")
log = logging.getLogger("omnistock.channels.test_feed")


class CarelessFeed:
    """A feed whose parser logs the street and echoes the buyer in its error (as a buggy
    channel adapter could): the importer must mask both."""

    channel = ChannelId("sklep")
    feeds = ("orders",)

    def changes(self, feed: str, cursor: str | None) -> FeedPage:
        return FeedPage(entries=(FeedEntry(external_id="Q7", raw=BUYER),), cursor="c1")

    def fetch(self, external_id: str) -> None:
        raise AssertionError("the listing carries the raw order")

    def cursor_since(self, feed: str, moment: datetime) -> str | None:
        return None

    def parse(self, raw: Mapping[str, Any]) -> ObservedOrder:
        billing = raw["billing"]
        log.warning("parsing order for street %s", billing["address_1"])
        raise InvalidValue(
            f"unknown status {raw['status']!r} for {billing['first_name']} "
            f"{billing['last_name']} ({billing['phone']})",
            field="status",
        )


def test_failing_order_leaves_no_buyer_value_in_reason_incident_or_logs(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RedactionFilter())
    caplog.set_level(logging.DEBUG)
    sealer = PrivacySealer(Sealer(OLD_RING))
    summary = import_feed(
        lambda: OrderUnitOfWork(engine), CarelessFeed(), "orders", sealer=sealer,
        contacts=ContactPolicy(), clock=FixedClock(NOW),
    )  # fmt: skip
    assert summary.quarantined == 1
    [row] = _rows(engine)
    with OrderUnitOfWork(engine) as uow:
        [incident] = uow.orders.incidents()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "parsing order for street" in logged
    assert "order quarantined" in logged
    assert "unknown status 'teleported'" in str(row["reason"])  # the reason is still useful
    for text in (str(row["reason"]), incident.detail, incident.subject, logged):
        lowered = text.lower()
        assert [v for v in VALUES if v.lower() in lowered] == [], text
    assert not any(v in str(row["payload"]) for v in VALUES)  # sealed
    assert "Wiśniewska" in Sealer(OLD_RING).open("order_quarantine", row["id"], row)["payload"]


def test_quarantined_payload_is_found_exported_and_erased_by_email_or_phone(engine: Engine) -> None:
    sealer = Sealer(OLD_RING)
    with OrderUnitOfWork(engine) as uow:
        quarantine(uow, ChannelId("sklep"), "Q7", BUYER, "KeyError: status",
                   sealer=PrivacySealer(sealer), now=NOW)  # fmt: skip
        uow.commit()
    _quarantine(engine, "Jan Brzęczek")  # someone else, no contact in the payload
    for query in (SubjectQuery(email="zofia.w@EXAMPLE.pl"), SubjectQuery(phone="+48600700800")):
        found = export_person(engine, sealer, query, NOW, actor="dpo", surface="test")
        [record] = found.records
        assert record.table == "order_quarantine"
        assert json.loads(record.fields["payload"]) == BUYER
        assert "Brzęczek" not in found.to_json()
    report = erase_person(
        engine, sealer, SubjectQuery(phone="600700800"), NOW, actor="dpo", surface="test"
    )
    assert report.kept == ()
    first_id = _rows(engine)[0]["id"]
    assert sorted(report.erased) == sorted(
        f"order_quarantine.{c}#{first_id}" for c in ("payload", "buyer_email_hash",
                                                      "buyer_phone_hash")
    )  # fmt: skip
    first, second = _rows(engine)
    assert (first["payload"], first["buyer_email_hash"], first["reason"]) == (
        None, None, "KeyError: status",
    )  # fmt: skip
    assert second["payload"] is not None  # the other person's is untouched
    gone = export_person(engine, sealer, SubjectQuery(email="zofia.w@example.pl"), NOW,
                         actor="dpo", surface="test")  # fmt: skip
    assert not gone.held


def test_payload_sealed_before_binding_to_the_row_is_rebound_then_rotated(engine: Engine) -> None:
    old = Sealer(OLD_RING)
    legacy = old.cipher.seal(
        json.dumps(BUYER),
        FieldRef(table="order_quarantine", column="payload", record_id="sklep/Q7"),
    )  # how payloads were sealed before 0015_quarantine_personal
    with engine.begin() as conn:
        row = {"channel": "sklep", "external_id": "Q7", "reason": "r", "received_at": NOW}
        conn.execute(insert(order_quarantine).values(**row, payload=legacy))
    _quarantine(engine, "Jan Brzęczek")  # already bound: left alone
    bound = _rows(engine)[1]["payload"]
    with pytest.raises(DecryptionFailed):
        rotate(engine, FieldCipher(BOTH_RING), DATA_MAP)
    both = PrivacySealer(Sealer(BOTH_RING))
    assert rebind_quarantined(OrderUnitOfWork(engine), both) == 1
    assert rebind_quarantined(OrderUnitOfWork(engine), both) == 0  # once is enough
    first, second = _rows(engine)
    assert second["payload"] == bound
    assert first["buyer_email_hash"] == both.sealer.hasher.email("zofia.w@example.pl")
    assert rotate(engine, FieldCipher(BOTH_RING), DATA_MAP).complete
    opened = Sealer(BOTH_RING).open("order_quarantine", first["id"], _rows(engine)[0])
    assert json.loads(opened["payload"]) == BUYER


def test_no_value_of_a_quarantined_order_in_the_raw_database(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    summary = import_feed(
        lambda: OrderUnitOfWork(engine), CarelessFeed(), "orders",
        sealer=PrivacySealer(Sealer(OLD_RING)), contacts=ContactPolicy(), clock=FixedClock(NOW),
    )  # fmt: skip
    assert summary.quarantined == 1
    engine.dispose()
    if db_url.startswith("sqlite"):
        files = database_files(Path(make_url(db_url).database or ""))
    else:
        files = [pg_dump(db_url, tmp_path / "dump.sql")]
    values = {*VALUES, "Zofia Wiśniewska", "ul. Kwiatowa 17"}
    assert plaintext_hits(files, values | hex_forms(values)) == {}
    assert plaintext_hits(files, ["unknown status 'teleported'"])  # the masked reason is found
    assert plaintext_hits(files, ["v1:old:"])  # …and the sealed payload
