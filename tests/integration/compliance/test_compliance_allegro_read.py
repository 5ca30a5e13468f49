"""Read offers from the Allegro sandbox over real HTTP and check them against the Allegro pack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import httpx
import pytest

from omnistock.channels.base import PermanentChannelError
from omnistock.compliance.allegro_reader import AllegroOfferReader
from omnistock.compliance.packs import shipped_packs
from omnistock.compliance.service import allegro_snapshot
from omnistock.domain.compliance import check
from omnistock.sandbox.allegro import create_app
from omnistock.sandbox.common.base import SandboxOptions
from omnistock.sandbox.common.server import SandboxServer

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class Env:
    def __init__(self, server: SandboxServer, sandbox, raw: httpx.Client, token: str) -> None:
        self.server, self.sandbox, self.raw, self.token = server, sandbox, raw, token


def _token(raw: httpx.Client, sandbox) -> str:
    started = raw.post("/auth/oauth/device", data={"client_id": "omnistock-sandbox"}).json()
    poll = {"grant_type": DEVICE_GRANT, "device_code": started["device_code"]}
    raw.post("/auth/oauth/token", params=poll)  # first poll: authorization_pending
    sandbox.clock.advance(5)
    answer = raw.post("/auth/oauth/token", params=poll)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


OFFERS = [
    {"id": "9001", "name": "Kubek", "stock": 3, "price": "19.99"},
    {"id": "9002", "name": "Kubek emaliowany Jeż 300 ml", "stock": 5, "price": "29.99"},
]


@contextmanager
def running(offers: list[dict]) -> Iterator[Env]:
    app = create_app(SandboxOptions(empty=True))
    server = SandboxServer(app).start()
    raw = httpx.Client(base_url=server.url, auth=("omnistock-sandbox", "omnistock-sandbox"))
    try:
        sandbox = app.state.sandbox
        seeded = raw.post("/_sandbox/offers", json=offers)
        assert seeded.status_code == 201, seeded.text
        yield Env(server, sandbox, raw, _token(raw, sandbox))
    finally:
        raw.close()
        server.stop()


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    with running(OFFERS) as started:
        yield started


def test_reads_offer_content_over_http(env: Env) -> None:
    with AllegroOfferReader(env.server.url, env.token) as reader:
        listing = reader.read("9002")
    assert listing.offer == "9002"
    assert listing.channel == "allegro"
    assert listing.title == "Kubek emaliowany Jeż 300 ml"
    assert str(listing.price) == "29.99"
    assert listing.currency == "PLN"
    assert listing.category


def test_lists_every_offer_and_checks_them_before_and_after_the_title_rule(env: Env) -> None:
    with AllegroOfferReader(env.server.url, env.token) as reader:
        ids = list(reader.offer_ids())
        listings = reader.read_many(ids)
    assert sorted(ids) == ["9001", "9002"]
    packs = shipped_packs(("allegro",))
    before = check(listings, packs, date(2025, 5, 1))
    after = check(listings, packs, date(2025, 5, 7))
    short_before = {(v.offer, v.rule.id) for v in before.violations}
    short_after = {(v.offer, v.rule.id) for v in after.violations}
    assert ("9001", "title.length") not in short_before
    assert ("9001", "title.length") in {(v.offer, v.rule.id) for v in before.upcoming}
    assert ("9001", "title.length") in short_after
    assert ("9002", "title.length") not in short_after
    # the sandbox keeps no GPSR data, so both offers are reported — not crashed on
    assert {("9001", "gpsr.responsible-producer"), ("9002", "gpsr.responsible-producer")} <= (
        short_after
    )


def test_unknown_offer_and_bad_token_are_channel_errors(env: Env) -> None:
    with (
        AllegroOfferReader(env.server.url, env.token) as reader,
        pytest.raises(PermanentChannelError, match="404"),
    ):
        reader.read("123")
    with (
        AllegroOfferReader(env.server.url, "not-a-token") as reader,
        pytest.raises(PermanentChannelError),
    ):
        reader.read("9001")


def test_unfilled_and_planned_parameters_become_violations(monkeypatch) -> None:
    offers = [
        {"id": "9101", "name": "Kurtka zimowa męska czarna", "stock": 1, "price": "199.00",
         "category_id": "77", "parameters": {"3": ["L"]}},
        {"id": "9102", "name": "Kurtka zimowa damska biała", "stock": 1, "price": "199.00",
         "category_id": "77", "parameters": {"1": ["x"], "2": ["y"], "3": ["M"]}},
    ]  # fmt: skip
    with running(offers) as env:
        now = env.sandbox.now()
        soon = now + timedelta(days=20)
        rules = [
            {"category_id": "77", "parameter_id": "1"},
            {"category_id": "77", "parameter_id": "2", "required_from": soon.isoformat()},
        ]
        assert env.raw.post("/_sandbox/category-parameters", json=rules).status_code == 201
        with AllegroOfferReader(env.server.url, env.token) as reader:
            snapshot = allegro_snapshot(reader, now.date())
        report = snapshot.merge_into(check(list(snapshot.listings), [], now.date(), 30))
        assert [(v.offer, v.rule.id) for v in report.violations] == [
            ("9101", "parameter.required.77.1")
        ]
        assert [(v.offer, v.rule.id, v.rule.effective_from) for v in report.upcoming] == [
            ("9101", "parameter.planned.77.2", soon.date())
        ]
        narrow = snapshot.merge_into(check(list(snapshot.listings), [], now.date(), 10))
        assert narrow.upcoming == ()

        from typer.testing import CliRunner

        from omnistock.entrypoints.cli import _register, app

        _register()
        monkeypatch.setenv("OMNISTOCK_ALLEGRO_TOKEN", env.token)
        args = ["compliance", "check", "--from-allegro", env.server.url, "--json", "--lang", "en"]
        result = CliRunner().invoke(app, [*args, "--as-of", now.date().isoformat()])
        body = json.loads(result.stdout)
        assert result.exit_code == 1
        rules = {(v["offer"], v["rule"]) for v in body["violations"]}
        assert ("9101", "parameter.required.77.1") in rules
        assert ("9102", "title.length") not in rules
        assert {(v["offer"], v["rule"]) for v in body["upcoming"]} == {
            ("9101", "parameter.planned.77.2")
        }


FULL = {
    "id": "9301", "name": "Kubek emaliowany Jeż 300 ml", "stock": 2, "price": "29.99",
    "parameters": {"11323": ["Nowy"]},
    "images": ["https://a.allegroimg.com/s1024/1.jpg", "https://a.allegroimg.com/s1024/2.jpg"],
    "description": [[{"type": "TEXT", "content": "<p>Kubek na herbatę.</p>"},
                     {"type": "IMAGE", "url": "https://a.allegroimg.com/s1024/3.jpg"}]],
    "products": [{"id": "c9e39cae-9cb6-11e9-a2a3-2a2ae2dbcce4",
                  "parameters": {"225693": ["5901234123457"]},
                  "responsible_producer": "33960380-98fe-4b3d-b69e-b261526f2730",
                  "responsible_person": "570c928f-39ac-4838-93bb-eb829bc2136f",
                  "safety": {"type": "TEXT", "description": "Nie myć w zmywarce."}}],
    "shipping_rates_id": "758fcd59-fbfa-4453-ae07-4800d72c2ca6", "handling_time": "PT24H",
    "return_policy": "5d9ff0c3-6c22-4dc0-bd16-64d9b6a9c6bb",
    "implied_warranty": "8a6d3a86-5e2f-4c9d-b3f3-1a2b3c4d5e6f",
}  # fmt: skip


def test_offer_content_from_the_sandbox_is_mapped_and_checked() -> None:
    bare = {"id": "9302", "name": "Kubek emaliowany Jeż 300 ml", "stock": 1, "price": "9.99",
            "shipping_rates_id": "00000000-0000-4000-8000-000000000000"}  # fmt: skip
    stale = {**FULL, "id": "9303", "shipping_rates_id": "a1b2c3d4-0000-4000-8000-000000000001"}
    with running([FULL, bare, stale]) as env:
        rates = [
            {"id": FULL["shipping_rates_id"], "name": "Kurier", "type": "PHYSICAL",
             "dispatch_country": "PL"},
            {"id": stale["shipping_rates_id"], "name": "Stary cennik"},  # no type: made before 2026
        ]  # fmt: skip
        assert env.raw.post("/_sandbox/shipping-rates", json=rates).status_code == 201
        with AllegroOfferReader(env.server.url, env.token) as reader:
            full, empty, old = reader.read_many(["9301", "9302", "9303"])
    assert [i.url for i in full.images] == FULL["images"]
    assert full.images[0].width is None  # Allegro returns URLs only
    assert full.description == ("<p>Kubek na herbatę.</p>",)
    assert full.description_images == ("https://a.allegroimg.com/s1024/3.jpg",)
    assert (full.condition, full.gtin) == ("Nowy", "5901234123457")
    assert full.gpsr.responsible_producer == "33960380-98fe-4b3d-b69e-b261526f2730"
    assert full.gpsr.responsible_person == "570c928f-39ac-4838-93bb-eb829bc2136f"
    assert (full.gpsr.safety_type, full.gpsr.safety_text) == ("TEXT", "Nie myć w zmywarce.")
    assert (full.shipping.name, full.shipping.type, full.shipping.dispatch_country) == (
        "Kurier", "PHYSICAL", "PL",
    )  # fmt: skip
    assert full.after_sales.return_policy == FULL["return_policy"]
    assert empty.shipping.id == bare["shipping_rates_id"]  # an unknown set (404): no type
    assert (empty.images, empty.shipping.type, empty.gpsr.responsible_producer) == ((), None, None)
    assert old.shipping.name == "Stary cennik"
    assert old.shipping.type is None
    packs = shipped_packs(("allegro",))
    before = check([full, empty, old], packs, date(2026, 7, 1), upcoming_days=30)
    broken = {(v.offer, v.rule.id) for v in before.violations}
    assert not {r for o, r in broken if o == "9301"}  # complete offer: nothing in force broken
    assert {("9302", "images.at-least-one"), ("9302", "gpsr.responsible-producer"),
            ("9302", "after-sales.return-policy")} <= broken  # fmt: skip
    soon = {(v.offer, v.rule.id) for v in before.upcoming}
    assert ("9303", "shipping.type") in soon  # the old set must get a type by 2026-07-22
    assert ("9301", "shipping.type") not in soon
    after = check([full, empty, old], packs, date(2026, 7, 22))
    assert ("9303", "shipping.type") in {(v.offer, v.rule.id) for v in after.violations}


def test_worker_daily_run_reads_a_configured_allegro_account(tmp_path) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from omnistock.channels.allegro import AllegroAdapter, AllegroConfig
    from omnistock.channels.allegro.tokens import MemoryTokenStore, TokenPair
    from omnistock.channels.configured import ChannelAccount
    from omnistock.compliance.config import ComplianceConfig
    from omnistock.compliance.daily_job import ComplianceDaily
    from omnistock.compliance.results import latest_compliance_results
    from omnistock.compliance.worker import daily_sources
    from omnistock.store.engine import make_engine
    from omnistock.store.migrate import upgrade_to_head
    from omnistock.store.order_tables import incidents

    with running([FULL, OFFERS[0]]) as env:
        rates = [{"id": FULL["shipping_rates_id"], "name": "Kurier", "type": "PHYSICAL",
                  "dispatch_country": "PL"}]  # fmt: skip
        env.raw.post("/_sandbox/shipping-rates", json=rates)
        pair = TokenPair(
            access_token=env.token,
            refresh_token="unused",
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
        config = AllegroConfig(
            client_id="omnistock-sandbox",
            client_secret="omnistock-sandbox",
            name="allegro-1",
            api_url=env.server.url,
            auth_url=env.server.url,
        )
        adapter = AllegroAdapter(config, MemoryTokenStore(pair))
        account = ChannelAccount(
            name="allegro-1", kind="allegro", adapter=adapter, feed=None, poll_s=None
        )
        sources = daily_sources(ComplianceConfig(), {"allegro-1": account})
        assert list(sources) == ["allegro account allegro-1"]
        engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
        try:
            upgrade_to_head(engine)
            job = ComplianceDaily(engine=engine, packs=shipped_packs(("allegro",)), sources=sources)
            summary = job.run(datetime(2026, 7, 1, 4, tzinfo=UTC))
            stored = latest_compliance_results(engine)
            with engine.connect() as conn:
                kinds = set(conn.execute(select(incidents.c.kind)).scalars())
        finally:
            engine.dispose()
            adapter.close()
    assert (summary.checked, summary.errors) == (2, ())
    assert stored is not None
    broken = {(v["offer"], v["rule"]) for v in stored["violations"]}
    assert ("9001", "title.length") in broken
    assert not {r for o, r in broken if o == "9301"}
    assert ("9001", "shipping.type") in {(v["offer"], v["rule"]) for v in stored["upcoming"]}
    assert kinds == {"rule_violation", "rule_upcoming"}
