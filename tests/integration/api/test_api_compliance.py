"""``/api/v1/compliance``: check listing content (operator), shipped packs and upcoming rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from api_books import SCRIPT, Books, client_of, served_books

from omnistock.compliance.packs import shipped_pack_names

SHORT = {"offer": "o1", "channel": "allegro", "title": "Kubek"}


def test_check_reports_violations_of_the_sent_listings(http, books: Books) -> None:
    headers = books.headers("operator")
    body = {"listings": [SHORT | {"title": SCRIPT}], "channel": "allegro", "lang": "en"}
    found = http.post("/api/v1/compliance/check", json=body, headers=headers)
    assert found.status_code == 200, found.text
    report = found.json()
    assert report["checked"] == 1
    rules = {v["rule"] for v in report["violations"]}
    assert "title.words" in rules
    assert {v["offer"] for v in report["violations"]} == {"o1"}
    early = http.post(
        "/api/v1/compliance/check",
        json=body | {"as_of": "2025-05-01", "upcoming_days": 30},
        headers=headers,
    ).json()
    assert "title.words" in {v["rule"] for v in early["upcoming"]}
    assert "title.words" not in {v["rule"] for v in early["violations"]}


@pytest.fixture
def books(tmp_path: Path, migrated_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Books]:
    with served_books(tmp_path, migrated_db, monkeypatch) as served:
        yield served


@pytest.fixture
def http(books: Books) -> Iterator[httpx.Client]:
    with client_of(books) as client:
        yield client


def test_check_roles_and_bad_input(http, books: Books) -> None:
    path, body = "/api/v1/compliance/check", {"listings": [SHORT]}
    assert http.post(path, json=body).status_code == 401
    assert http.post(path, json=body, headers=books.headers("viewer")).status_code == 403
    headers = books.headers("operator")
    bad = http.post(
        path, json={"listings": [SHORT, {"offer": "o2", "titel": "x"}]}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("listings[1]")
    days = http.post(path, json=body | {"upcoming_days": -1}, headers=headers)
    assert days.status_code == 422
    assert days.json()["errors"][0]["field"] == "upcoming_days"
    lang = http.post(path, json=body | {"lang": "de"}, headers=headers)
    assert lang.json()["errors"][0]["field"] == "lang"


def test_packs_and_upcoming_rules(http, books: Books) -> None:
    headers = books.headers("viewer")
    packs = http.get("/api/v1/compliance/packs", headers=headers).json()
    assert sorted(p["pack"] for p in packs) == sorted(shipped_pack_names())
    allegro = http.get("/api/v1/compliance/packs?channel=allegro", headers=headers).json()
    assert [p["channel"] for p in allegro] == ["allegro"]
    assert http.get("/api/v1/compliance/packs").status_code == 401
    books.app.clock.set(datetime(2026, 7, 1, tzinfo=UTC))
    soon = http.get("/api/v1/compliance/upcoming?days=30", headers=headers).json()
    assert soon
    assert {r["effective_from"] for r in soon} == {"2026-07-22"}
    assert http.get("/api/v1/compliance/upcoming?days=10", headers=headers).json() == []
    bad = http.get("/api/v1/compliance/upcoming?days=-1", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "days"


def _stored_run(books: Books, as_of: str) -> dict[str, set[str]]:
    """A check of two listings stored as the worker's daily run does → rules per list."""
    from datetime import date

    from omnistock.compliance.listings import listing_from_mapping
    from omnistock.compliance.service import select_packs
    from omnistock.domain.compliance import check
    from omnistock.store.compliance_repository import save_run

    listings = [listing_from_mapping(SHORT | {"title": SCRIPT}), listing_from_mapping(SHORT)]
    packs = select_packs("allegro")
    report = check(listings, packs, date.fromisoformat(as_of), 30)
    save_run(books.app.engine, report, packs=packs, ran_at=books.app.clock.now(), source="worker")
    return {
        "violations": {v.rule.id for v in report.violations},
        "upcoming": {v.rule.id for v in report.upcoming},
    }


def test_stored_results_for_viewers(http, books: Books) -> None:
    path, viewer = "/api/v1/compliance", books.headers("viewer")
    assert http.get(path).status_code == 401
    assert http.get(path, headers=viewer).json() == {"run": None, "violations": [], "upcoming": []}
    expected = _stored_run(books, "2025-05-01")
    assert "title.words" in expected["upcoming"]
    found = http.get(path, headers=viewer)
    assert found.status_code == 200, found.text
    run = found.json()
    assert (run["as_of"], run["source"], run["checked"]) == ("2025-05-01", "worker", 2)
    assert {v["rule"] for v in run["violations"]} == expected["violations"]
    assert {v["rule"] for v in run["upcoming"]} == expected["upcoming"]
    assert {v["offer"] for v in run["upcoming"]} == {"o1"}
    english = http.get(path, params={"lang": "en"}, headers=viewer).json()
    assert english["upcoming"][0]["message"] != run["upcoming"][0]["message"]
    other = http.get(path, params={"channel": "amazon"}, headers=viewer).json()
    assert (other["run"], other["upcoming"]) == (run["run"], [])
    assert http.get(path, params={"source": "cli"}, headers=viewer).json()["run"] is None
    bad = http.get(path, params={"lang": "de"}, headers=viewer)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "lang"
