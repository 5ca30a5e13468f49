"""``omnistock rules validate|list`` and ``omnistock compliance check`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omnistock.domain.errors import InvalidFile, InvalidValue
from omnistock.entrypoints.cli import _register, app

LISTINGS = [
    {"offer": "1", "channel": "allegro", "title": "Kubek", "images": ["https://i/1"]},
    {
        "offer": "2",
        "channel": "allegro",
        "title": "Kubek emaliowany Jeż 300 ml",
        "images": [{"url": "https://i/2", "width": 900, "height": 900}],
        "shipping": {"type": "PHYSICAL", "dispatch_country": "PL"},
        "after_sales": {"return_policy": "default", "implied_warranty": "default"},
        "gpsr": {"responsible_producer": "p", "responsible_person": "r", "safety_text": "Uwaga"},
    },
]


@pytest.fixture
def runner() -> CliRunner:
    _register()
    return CliRunner()


@pytest.fixture
def listings(tmp_path: Path) -> Path:
    path = tmp_path / "listings.json"
    path.write_text(json.dumps(LISTINGS), encoding="utf-8")
    return path


def _check(runner: CliRunner, listings: Path, *extra: str) -> tuple[int, dict]:
    args = ["compliance", "check", "--listings", str(listings), "--json", *extra]
    result = runner.invoke(app, args)
    return result.exit_code, json.loads(result.stdout)


def test_as_of_before_and_after_the_title_rule(runner, listings) -> None:
    code, before = _check(runner, listings, "--as-of", "2025-05-06", "--channel", "allegro")
    assert "title.length" not in {v["rule"] for v in before["violations"]}
    assert {(v["offer"], v["rule"]) for v in before["upcoming"]} == {
        ("1", "title.length"),
        ("1", "title.words"),
    }
    code_after, after = _check(runner, listings, "--as-of", "2025-05-07", "--channel", "allegro")
    assert ("1", "title.length") in {(v["offer"], v["rule"]) for v in after["violations"]}
    assert after["upcoming"] == []
    assert code_after == 1  # an error-severity rule in force is broken
    offer_two = [v for v in after["violations"] if v["offer"] == "2"]
    assert offer_two == []
    assert code == 1  # offer 1 lacks GPSR data, in force since 2024-12-13


def test_messages_follow_the_language_and_say_what_to_fix(runner, listings) -> None:
    _, polish = _check(runner, listings, "--as-of", "2025-06-01")
    _, english = _check(runner, listings, "--as-of", "2025-06-01", "--lang", "en")
    title_pl = next(v for v in polish["violations"] if v["rule"] == "title.length")
    title_en = next(v for v in english["violations"] if v["rule"] == "title.length")
    assert title_pl["fix"] == "Popraw długość tytułu (12–75 znaków)."
    assert title_en["fix"] == "Change the title to 12–75 characters."
    assert title_en["source"] == "https://github.com/allegro/allegro-api/issues/11354"


def test_upcoming_days_widens_the_look_ahead(runner, listings) -> None:
    _, narrow = _check(runner, listings, "--as-of", "2026-07-01", "--upcoming-days", "10")
    _, wide = _check(runner, listings, "--as-of", "2026-07-01", "--upcoming-days", "30")
    assert narrow["upcoming"] == []
    assert {v["rule"] for v in wide["upcoming"]} == {"shipping.type"}


def test_a_seller_pack_is_added_and_validated(runner, listings, tmp_path: Path) -> None:
    pack = tmp_path / "house.yaml"
    pack.write_text(
        "pack: house\nchannel: allegro\nversion: '1'\nrules:\n"
        "  - id: house.jez\n    severity: info\n    effective_from: 2020-01-01\n"
        "    source: internal\n    description: {pl: Jeż, en: Hedgehog}\n"
        "    check: {type: regex, field: title, pattern: Jeż}\n",
        encoding="utf-8",
    )
    validated = runner.invoke(app, ["rules", "validate", str(pack)])
    assert validated.exit_code == 0
    assert "1 rules" in validated.stdout
    _, found = _check(runner, listings, "--as-of", "2025-01-01", "--pack", str(pack))
    assert {(v["pack"], v["offer"]) for v in found["violations"] if v["rule"] == "house.jez"} == {
        ("house", "1")
    }
    listed = runner.invoke(app, ["rules", "list", "--pack", str(pack), "--json"])
    assert {p["pack"] for p in json.loads(listed.stdout)} == {
        "allegro",
        "amazon",
        "woocommerce",
        "house",
    }


def test_rules_list_filters_by_channel(runner) -> None:
    result = runner.invoke(app, ["rules", "list", "--channel", "allegro", "--json"])
    (pack,) = json.loads(result.stdout)
    assert pack["channel"] == "allegro"
    assert {"title.length", "shipping.type"} <= {r["id"] for r in pack["rules"]}


def test_a_bad_pack_is_refused_by_validate(runner, tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text("pack: x\nchannel: y\nversion: 1\nrules: []\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", str(pack)])
    assert isinstance(result.exception, InvalidFile)
    assert "rules must be a non-empty list" in str(result.exception)


def test_bad_input_exits_with_2_and_names_the_problem(tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "pack: x\nchannel: y\nversion: 1\nrules:\n  - id: a\n    severity: error\n"
        "    effective_from: 2025-13-01\n    source: s\n    description: {pl: a, en: a}\n"
        "    check: {type: present, field: title}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "omnistock", "rules", "validate", str(pack)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert f"{pack}: line 7:" in done.stderr
    assert "bad date" in done.stderr


def test_check_needs_listings(runner) -> None:
    result = runner.invoke(app, ["compliance", "check", "--json"])
    assert "--listings" in str(result.exception)


def test_state_file_makes_daily_runs_alert_only_on_new_problems(runner, listings, tmp_path) -> None:
    state = tmp_path / "state.json"
    args = ("--as-of", "2026-07-01", "--state", str(state))
    _, first = _check(runner, listings, *args)
    assert [(a["rule"], a["count"], a["offers"]) for a in first["alerts"]] == [
        ("shipping.type", 1, ["1"])
    ]
    assert first["alerts"][0]["subject"] == "rule allegro/shipping.type"
    _, second = _check(runner, listings, *args)
    assert second["alerts"] == []
    assert second["upcoming"] == first["upcoming"]
    state.write_text("{not json", encoding="utf-8")
    broken = runner.invoke(app, ["compliance", "check", "--listings", str(listings), *args])
    assert isinstance(broken.exception, InvalidFile)
    assert "not a compliance state file" in str(broken.exception)


def test_config_table_sets_packs_language_and_look_ahead(runner, listings, tmp_path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "house.yaml").write_text(
        "pack: house\nchannel: allegro\nversion: '1'\nrules:\n"
        "  - id: house.jez\n    severity: info\n    effective_from: 2026-07-10\n"
        "    source: internal\n    description: {pl: Jeż, en: Hedgehog}\n"
        "    check: {type: regex, field: title, pattern: Jeż, forbid: true}\n",
        encoding="utf-8",
    )
    config = tmp_path / "omnistock.toml"
    config.write_text(
        '[compliance]\npacks = ["rules/house.yaml"]\nlang = "en"\nupcoming_days = 10\n',
        encoding="utf-8",
    )
    args = ["--config", str(config), "compliance", "check", "--listings", str(listings)]
    result = runner.invoke(app, [*args, "--json", "--as-of", "2026-07-01"])
    body = json.loads(result.stdout)
    assert {(v["pack"], v["rule"], v["offer"]) for v in body["upcoming"]} == {
        ("house", "house.jez", "2")
    }  # shipping.type (2026-07-22) is beyond the configured 10 days
    assert body["upcoming"][0]["fix"] == "Hedgehog"
    wider = runner.invoke(app, [*args, "--json", "--as-of", "2026-07-01", "--upcoming-days", "30"])
    assert "shipping.type" in {v["rule"] for v in json.loads(wider.stdout)["upcoming"]}
    config.write_text("[compliance]\nlang = 'de'\n", encoding="utf-8")
    bad = runner.invoke(app, [*args, "--json"])
    assert isinstance(bad.exception, InvalidValue)
    assert bad.exception.field == "compliance.lang"


def test_store_saves_the_run_for_the_api_and_dashboard(runner, listings, tmp_path) -> None:
    from omnistock.compliance.results import latest_compliance_results
    from omnistock.domain.compliance import Lang
    from omnistock.store.engine import make_engine

    url = f"sqlite:///{tmp_path / 'omnistock.db'}"
    args = ["--db", url, "compliance", "check", "--listings", str(listings), "--json"]
    result = runner.invoke(app, [*args, "--as-of", "2025-05-07", "--channel", "allegro", "--store"])
    assert result.exit_code == 1, result.output
    engine = make_engine(url)
    try:
        stored = latest_compliance_results(engine, lang=Lang.EN)
    finally:
        engine.dispose()
    assert stored is not None
    assert (stored["source"], stored["as_of"], stored["checked"]) == ("cli", "2025-05-07", 2)
    assert ("1", "title.length") in {(v["offer"], v["rule"]) for v in stored["violations"]}
    assert stored["packs"][0]["pack"] == "allegro"
