"""Allegro's own signals as violations: required parameters left empty, and planned ones.

- ``GET /sale/offers/unfilled-parameters?parameterType=REQUIRED`` → a violation now (error);
- ``…?parameterType=REQUIREMENT_PLANNED`` with ``GET /sale/category-parameters-scheduled-changes``
  (``scheduledFor``) → an upcoming violation dated when the parameter becomes required; Allegro
  lists changes up to three months ahead, so a planned parameter without a listed change is
  reported as upcoming from the next day, its text saying the date is not known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from omnistock.domain.compliance import (
    Check,
    CheckKind,
    Report,
    Rule,
    RuleSeverity,
    Text,
    Violation,
)

__all__ = ["PACK", "SOURCE", "merge_signals", "signal_violations"]

PACK = "allegro-signals"
SOURCE = (
    "https://developer.allegro.pl/tutorials/jak-zarzadzac-ofertami-7GzB2L37ase"
    "#jak-sprawdzic-nieuzupelnione-parametry-w-ofertach"
)
_FIX = Text(
    pl="Uzupełnij wymagany parametr kategorii w ofercie.",
    en="Fill in the category parameter the offer must have.",
)


def _rule(category: str, parameter: str, start: date, *, planned: bool, known: bool) -> Rule:
    when_pl = "" if known else " (Allegro nie podało daty)"
    when_en = "" if known else " (Allegro gave no date)"
    return Rule(
        id=f"parameter.{'planned' if planned else 'required'}.{category}.{parameter}",
        description=Text(
            pl=f"Parametr {parameter} w kategorii {category} jest "
            f"{'planowany jako wymagany' if planned else 'wymagany'}{when_pl}.",
            en=f"Parameter {parameter} in category {category} is "
            f"{'planned to become required' if planned else 'required'}{when_en}.",
        ),
        fix=_FIX,
        severity=RuleSeverity.ERROR,
        effective_from=start,
        until=None,
        source=SOURCE,
        check=Check(kind=CheckKind.PRESENT, field=f"parameter:{parameter}"),
    )


def _schedule(changes: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], date]:
    found: dict[tuple[str, str], date] = {}
    for change in changes:
        category = str((change.get("category") or {}).get("id", ""))
        parameter = str((change.get("parameter") or {}).get("id", ""))
        moment = change.get("scheduledFor")
        if change.get("type") == "REQUIREMENT_CHANGE" and isinstance(moment, str):
            day = datetime.fromisoformat(moment.replace("Z", "+00:00")).date()
            found[(category, parameter)] = min(day, found.get((category, parameter), day))
    return found


def _pairs(offers: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, str, str]]:
    for offer in offers:
        category = str((offer.get("category") or {}).get("id", ""))
        for parameter in offer.get("parameters") or []:
            yield str(offer.get("id", "")), category, str(parameter.get("id", ""))


def signal_violations(
    required: Sequence[Mapping[str, Any]],
    planned: Sequence[Mapping[str, Any]],
    changes: Sequence[Mapping[str, Any]],
    as_of: date,
) -> tuple[list[Violation], list[Violation]]:
    """(violations now, upcoming violations) from the answers' offers and scheduled changes."""
    now: list[Violation] = []
    for offer, category, parameter in _pairs(required):
        rule = _rule(category, parameter, as_of, planned=False, known=True)
        now.append(_violation(offer, rule, parameter, upcoming=False))
    schedule = _schedule(changes)
    soon: list[Violation] = []
    for offer, category, parameter in _pairs(planned):
        start = schedule.get((category, parameter))
        day = start if start and start > as_of else as_of + timedelta(days=1)
        rule = _rule(category, parameter, day, planned=True, known=start is not None)
        soon.append(_violation(offer, rule, parameter, upcoming=True))
    return now, soon


def _violation(offer: str, rule: Rule, parameter: str, *, upcoming: bool) -> Violation:
    detail = Text(pl=f"brak wartości parametru {parameter}", en=f"parameter {parameter} is empty")
    return Violation(
        offer=offer, channel="allegro", pack=PACK, rule=rule, detail=detail, upcoming=upcoming
    )


def merge_signals(report: Report, now: Sequence[Violation], soon: Sequence[Violation]) -> Report:
    """The report with Allegro's signals added; upcoming ones only within the report's window."""
    within = [v for v in soon if v.rule.effective_from <= report.upcoming_until]
    return replace(
        report,
        violations=(*report.violations, *now),
        upcoming=(*report.upcoming, *within),
    )
