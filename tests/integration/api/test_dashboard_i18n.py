"""Every visible label of the dashboard comes from ``dashboard/i18n.py``, in Polish and English:
fixed words of the templates, section names, table column keys and the explanation's keys."""

from __future__ import annotations

import re

import pytest

from omnistock.domain.ids import Sku
from omnistock.entrypoints.api.dashboard import SECTIONS
from omnistock.entrypoints.api.dashboard.i18n import LABELS, missing_labels
from omnistock.entrypoints.api.dashboard.pages import TEMPLATES
from omnistock.entrypoints.api.dashboard.sections import SectionContext, safe_load
from omnistock.entrypoints.api.render import plain
from omnistock.service import allocation

FIXED = re.compile(r"\bt\.(\w+)|\bt\[\s*[\"'](\w+)[\"']\s*\]")


def _template_keys() -> set[str]:
    keys = set()
    for path in TEMPLATES.glob("*.html"):
        for match in FIXED.finditer(path.read_text(encoding="utf-8")):
            keys.add(match.group(1) or match.group(2))
    return keys


def _login(client, secret: str) -> None:
    form = client.get("/dashboard/login").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', form).group(1)
    assert client.post("/dashboard/login", data={"nonce": nonce, "token": secret}).is_redirect


@pytest.fixture
def viewer(client, secrets_by_role):
    _login(client, secrets_by_role["viewer"])
    return client


def test_both_languages_have_the_same_keys() -> None:
    assert set(LABELS["pl"]) == set(LABELS["en"])
    assert {k for k in LABELS["pl"] if LABELS["pl"][k] == "" or LABELS["en"][k] == ""} == set()


def test_every_fixed_word_of_the_templates_has_a_label() -> None:
    keys = _template_keys()
    assert len(keys) > 30  # the pattern really finds the labels
    assert missing_labels(keys) == {"pl": [], "en": []}


def test_no_table_header_is_written_literally() -> None:
    literal = re.compile(r"<th>(?!\s*(\{\{[^}]*\}\})?\s*</th>)")
    found = {
        path.name: literal.findall(path.read_text(encoding="utf-8"))
        for path in TEMPLATES.glob("*.html")
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_every_section_column_and_explanation_key_has_a_label(seeded) -> None:
    keys = set(SECTIONS)
    context = SectionContext(engine=seeded.engine, lang="en", today=seeded.clock.now().date())
    for section in SECTIONS.values():
        data = safe_load(section, context)
        assert data.configured, section.key
        for part in (data, *(p for _, p in data.parts)):
            keys |= set(part.columns)
        keys |= {k for k, _ in data.facts} | {k for k, _ in data.parts}
    keys |= set(plain(allocation.explain(seeded.uow(), Sku("A1"))))
    assert len(keys) > 25
    assert missing_labels(keys) == {"pl": [], "en": []}


@pytest.mark.parametrize(
    ("path", "polish", "english"),
    [
        ("/dashboard/section/orders", "<th>ID w kanale</th>", "<th>Channel ID</th>"),
        ("/dashboard/section/invoices", "<th>Status KSeF</th>", "<th>KSeF status</th>"),
        ("/dashboard/section/compliance", "<th>Obowiązuje od</th>", "<th>In force from</th>"),
        ("/dashboard/section/compliance", "Ostatnie sprawdzenie:", "Last check:"),
        ("/dashboard/section/sync_dead", "<th>Komunikat</th>", "<th>Message</th>"),
        ("/dashboard/sku/A1", "<dt>Do sprzedaży</dt>", "<dt>Sellable</dt>"),
        ("/dashboard/stock", "<th>Na stanie</th>", "<th>On hand</th>"),
    ],
)
def test_pages_in_both_languages(viewer, path: str, polish: str, english: str) -> None:
    english_page = viewer.get(path, params={"lang": "en"}).text
    assert english in english_page
    assert polish not in english_page
    polish_page = viewer.get(path, params={"lang": "pl"}).text
    assert polish in polish_page
    assert english not in polish_page


def test_section_names_in_the_navigation_are_translated(viewer) -> None:
    english = viewer.get("/dashboard/", params={"lang": "en"}).text
    polish = viewer.get("/dashboard/", params={"lang": "pl"}).text
    for key in SECTIONS:
        assert f">{LABELS['en'][key]}</a>" in english
        assert f">{LABELS['pl'][key]}</a>" in polish


def test_every_state_value_shown_has_a_label() -> None:
    """Breaker, severity, incident state and kind, and hold reason are shown through labels."""
    from omnistock.domain.incidents import IncidentKind, IncidentState, Severity
    from omnistock.domain.safety.guard import HoldReason
    from omnistock.sync.breaker import BreakerStatus

    keys = {f"breaker_{v}" for v in BreakerStatus} | {f"severity_{v}" for v in Severity}
    keys |= {f"state_{v}" for v in IncidentState} | {f"kind_{v}" for v in IncidentKind}
    keys |= {f"reason_{v}" for v in HoldReason}
    assert missing_labels(keys) == {"pl": [], "en": []}
    templates = " ".join(p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.html"))
    for prefix in ("breaker_", "severity_", "state_", "kind_", "reason_"):
        assert f't["{prefix}" ~' in templates, prefix
