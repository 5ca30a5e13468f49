"""The dashboard over real HTTP: login, sessions, CSRF, escaping, languages, sections."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import insert

from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.product import Product
from omnistock.service import catalog, tokens
from omnistock.store.sync_tables import sync_incidents
from omnistock.store.token_repository import TokenStore

EVIL = '<script>alert("x")</script>'


def _login(client, secret: str):
    form = client.get("/dashboard/login").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', form).group(1)
    return client.post("/dashboard/login", data={"nonce": nonce, "token": secret})


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture
def viewer(client, secrets_by_role):
    assert _login(client, secrets_by_role["viewer"]).status_code == 303
    return client


@pytest.fixture
def operator(client, secrets_by_role):
    assert _login(client, secrets_by_role["operator"]).status_code == 303
    return client


def test_pages_without_a_session_redirect_to_login(client) -> None:
    for path in (
        "/dashboard/",
        "/dashboard/stock",
        "/dashboard/sku/A1",
        "/dashboard/section/holds",
    ):
        answer = client.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/dashboard/login")


def test_login_sets_a_strict_http_only_session_cookie(client, secrets_by_role) -> None:
    answer = _login(client, secrets_by_role["viewer"])
    assert answer.headers["location"] == "/dashboard/"
    cookie = answer.headers["set-cookie"].lower()
    assert "omnistock_session=" in cookie
    assert "samesite=strict" in cookie
    assert "httponly" in cookie
    home = client.get("/dashboard/")
    assert home.status_code == 200
    assert 'data-channel="allegro"' in home.text
    assert "Kanały" in home.text  # Polish by default


def test_login_with_a_wrong_token_fails_and_without_nonce_is_refused(client) -> None:
    answer = _login(client, "omni_wrong")
    assert answer.headers["location"] == "/dashboard/login?failed=1"
    assert client.get("/dashboard/").status_code == 303
    forged = client.post("/dashboard/login", data={"token": "omni_x"})
    assert forged.status_code == 403


def test_a_revoked_token_ends_its_session(viewer, omni) -> None:
    store = TokenStore(omni.engine)
    token = next(t for t in tokens.list_tokens(store) if t.role.value == "viewer")
    tokens.revoke_token(store, token.id, now=omni.clock.now())
    assert viewer.get("/dashboard/").status_code == 303


def test_forged_session_cookie_is_rejected(client) -> None:
    client.cookies.set("omnistock_session", "abc.def.0123")
    assert client.get("/dashboard/").status_code == 303


def test_set_stock_form_needs_the_session_csrf_token(operator) -> None:
    page = operator.get("/dashboard/sku/A1").text
    token = _csrf(page)
    for data in (
        {"quantity": "3"},
        {"quantity": "3", "csrf": "wrong"},
        {"quantity": "3", "csrf": ""},
    ):
        assert operator.post("/dashboard/sku/A1/stock", data=data).status_code == 403
    assert ">10<" in operator.get("/dashboard/stock").text.replace(" ", "")
    done = operator.post("/dashboard/sku/A1/stock", data={"quantity": "3", "csrf": token})
    assert done.status_code == 303
    assert '<td class="n">3</td>' in operator.get("/dashboard/stock").text


def test_a_viewer_sees_no_form_and_cannot_post(viewer) -> None:
    page = viewer.get("/dashboard/sku/A1").text
    assert '/stock"' not in page.split("<main>")[1]
    answer = viewer.post("/dashboard/sku/A1/stock", data={"quantity": "3", "csrf": _csrf(page)})
    assert answer.status_code == 403


def test_logout_needs_csrf_and_ends_the_session(viewer) -> None:
    token = _csrf(viewer.get("/dashboard/").text)
    assert viewer.post("/dashboard/logout", data={"other": "1"}).status_code == 403
    assert viewer.post("/dashboard/logout", data={"csrf": token}).status_code == 303
    assert viewer.get("/dashboard/").status_code == 303


def test_channel_supplied_text_is_escaped(viewer, seeded) -> None:
    catalog.add_product(seeded.uow(), Product(sku=Sku("X1"), name=EVIL))
    catalog.link_listing(
        seeded.uow(), Sku("X1"), ChannelId("allegro"), EVIL, now=seeded.clock.now()
    )
    with seeded.engine.begin() as conn:
        conn.execute(
            insert(sync_incidents).values(
                channel="allegro",
                offer_id=EVIL,
                kind="dead",
                message=EVIL,
                created_at=seeded.clock.now(),
            )
        )
    pages = [
        viewer.get("/dashboard/stock", params={"q": EVIL}).text,
        viewer.get("/dashboard/stock").text,
        viewer.get("/dashboard/sku/X1").text,
        viewer.get("/dashboard/section/sync_dead").text,
    ]
    for html in pages:
        assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[1]
    assert pages[3].count("&lt;script&gt;") == 2  # offer id and message


def test_stock_search_filters_by_sku_or_name(viewer, seeded) -> None:
    catalog.add_product(seeded.uow(), Product(sku=Sku("B7"), name="Talerz głęboki"))
    found = viewer.get("/dashboard/stock", params={"q": "talerz"}).text
    assert "B7" in found
    assert ">A1<" not in found
    assert ">A1<" in viewer.get("/dashboard/stock", params={"q": "kubek"}).text


def test_sku_page_explains_and_charts_the_history(viewer) -> None:
    page = viewer.get("/dashboard/sku/A1").text
    assert "<polyline" in page
    assert "<dt>Do sprzedaży</dt>" in page  # the explanation, labelled in Polish
    assert viewer.get("/dashboard/sku/NOPE").status_code == 404


def test_english_labels_on_request(viewer) -> None:
    english = viewer.get("/dashboard/", params={"lang": "en"}).text
    assert "Channels" in english
    assert "Kanały" not in english
    assert "Channels" in viewer.get("/dashboard/").text  # remembered in a cookie
    assert "Kanały" in viewer.get("/dashboard/", params={"lang": "pl"}).text


def test_sections_render_what_exists(viewer, seeded, monkeypatch) -> None:
    from omnistock.entrypoints.api.dashboard import sections

    orders = viewer.get("/dashboard/section/orders").text
    assert "nie skonfigurowano" not in orders

    def broken(_engine):
        raise LookupError("no such table")

    missing = sections.Section(key="invoices", load=broken)
    monkeypatch.setitem(sections.SECTIONS, "invoices", missing)
    assert "nie skonfigurowano" in viewer.get("/dashboard/section/invoices").text
    assert viewer.get("/dashboard/section/nothing").status_code == 404


def _pending_hold(app) -> str:
    from omnistock.domain.safety import (
        ActiveListing,
        ProposedChange,
        guard_change_set,
        holds_from_verdict,
    )
    from omnistock.service.holds import safety_parts

    now = app.clock.now()
    proposed = [
        ProposedChange(
            channel=ChannelId("allegro"),
            offer_id=f"O{i}",
            sku=Sku("A1"),
            previous=20,
            quantity=0,
            observed_at=now,
        )
        for i in range(10)
    ]
    current = [ActiveListing(offer_id=f"O{i}", sku=Sku("A1"), quantity=20) for i in range(10)]
    verdict = guard_change_set(proposed, current, {})
    (hold,) = holds_from_verdict(verdict, ids=["h1"], channel=ChannelId("allegro"), now=now)
    safety_parts(app.engine, {}).safety.add_holds([hold])
    return hold.id


def test_operator_approves_a_hold_with_csrf(operator, seeded) -> None:
    hold_id = _pending_hold(seeded)
    page = operator.get("/dashboard/holds").text
    assert f'data-hold="{hold_id}"' in page
    form = {"id": hold_id, "action": "approve"}
    assert operator.post("/dashboard/holds", data=form).status_code == 403  # no CSRF token
    assert f'data-hold="{hold_id}"' in operator.get("/dashboard/holds").text
    done = operator.post("/dashboard/holds", data={**form, "csrf": _csrf(page)})
    assert done.status_code == 303
    assert 'id="no-holds"' in operator.get("/dashboard/holds").text


def test_viewer_sees_holds_without_buttons(viewer, seeded) -> None:
    hold_id = _pending_hold(seeded)
    page = viewer.get("/dashboard/holds").text
    assert f'data-hold="{hold_id}"' in page
    assert 'value="approve"' not in page
    answer = viewer.post(
        "/dashboard/holds", data={"id": hold_id, "action": "approve", "csrf": _csrf(page)}
    )
    assert answer.status_code == 403


def test_operator_acknowledges_and_resolves_an_incident(operator, seeded) -> None:
    from omnistock.domain.incidents import IncidentKind, Occurrence, Severity
    from omnistock.service.holds import safety_parts

    occurrence = Occurrence(
        kind=IncidentKind.AUTH_FAILURE, severity=Severity.CRITICAL, subject=EVIL, channel="allegro"
    )
    (incident,) = safety_parts(seeded.engine, {}).incidents.record(
        [occurrence], now=seeded.clock.now()
    )
    page = operator.get("/dashboard/incidents").text
    assert "<script>" not in page
    token = _csrf(page)
    acked = operator.post(
        "/dashboard/incidents", data={"id": incident.id, "action": "ack", "csrf": token}
    )
    assert acked.status_code == 303
    assert "<td>potwierdzony</td>" in operator.get("/dashboard/incidents").text  # acknowledged
    operator.post(
        "/dashboard/incidents", data={"id": incident.id, "action": "resolve", "csrf": token}
    )
    assert 'id="no-incidents"' in operator.get("/dashboard/incidents").text


def test_sku_page_charts_sales_per_channel(viewer, seeded) -> None:
    from omnistock.store.order_tables import order_lines, orders

    assert 'id="no-sales"' in viewer.get("/dashboard/sku/A1").text  # nothing sold yet
    now = seeded.clock.now()
    with seeded.engine.begin() as conn:
        for n, (channel, status, units) in enumerate(
            [("allegro", "paid", 2), ("sklep", "shipped", 1), ("allegro", "cancelled", 5)]
        ):
            order_id = conn.execute(insert(orders).values(
                channel=channel, external_id=f"e{n}", status=status, first_seen_at=now,
                last_seen_at=now).returning(orders.c.id)).scalar_one()  # fmt: skip
            line = {"order_id": order_id, "line_id": "1", "offer_id": "o", "sku": "A1"}
            conn.execute(insert(order_lines).values(**line, quantity=units))
    page = viewer.get("/dashboard/sku/A1", params={"lang": "en"}).text
    assert "Sales per channel" in page
    assert page.count('<polyline fill="none" stroke="#') == 3  # stock + two channels
    assert "allegro: sold 2" in page  # the cancelled order's 5 units are not sales
    assert "sklep: sold 1" in page


def test_failed_pushes_section_shows_the_newest_hundred_first(viewer, seeded) -> None:
    now = seeded.clock.now()
    rows = [{"channel": "allegro", "offer_id": f"o{n}", "kind": "sync_dead", "message": f"m{n}",
             "created_at": now} for n in range(105)]  # fmt: skip
    with seeded.engine.begin() as conn:
        conn.execute(insert(sync_incidents), rows)
    html = viewer.get("/dashboard/section/sync_dead").text
    body = html.split('id="section-sync_dead"')[1]
    assert body.count("<tr><td>") == 100
    assert body.index("<td>o104</td>") < body.index("<td>o103</td>")
    assert "<td>o4</td>" not in body
