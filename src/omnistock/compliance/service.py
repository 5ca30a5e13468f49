"""The compliance check use case: choose packs, gather listings, check, and shape the report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from omnistock.compliance.allegro_reader import AllegroOfferReader
from omnistock.compliance.allegro_signals import merge_signals, signal_violations
from omnistock.compliance.listings import load_listings
from omnistock.compliance.packs import load_pack, shipped_packs
from omnistock.domain.compliance import (
    Lang,
    ListingContent,
    Report,
    RuleAlert,
    RulePack,
    Violation,
    check,
)
from omnistock.domain.errors import Duplicate, InvalidFile

__all__ = [
    "AllegroSnapshot",
    "alert_dict",
    "allegro_snapshot",
    "check_listings",
    "load_known",
    "pack_summary",
    "report_dict",
    "save_known",
    "select_packs",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class AllegroSnapshot:
    """Every offer's content, and Allegro's own signals as violations (now / upcoming)."""

    listings: tuple[ListingContent, ...]
    required: tuple[Violation, ...]
    planned: tuple[Violation, ...]

    def merge_into(self, report: Report) -> Report:
        return merge_signals(report, self.required, self.planned)


def allegro_snapshot(reader: AllegroOfferReader, as_of: date) -> AllegroSnapshot:
    """Read all offers, unfilled (required and planned) parameters and scheduled changes."""
    listings = reader.read_many(list(reader.offer_ids()))
    now, soon = signal_violations(
        reader.unfilled_parameters("REQUIRED"),
        reader.unfilled_parameters("REQUIREMENT_PLANNED"),
        reader.scheduled_changes(),
        as_of,
    )
    return AllegroSnapshot(listings=tuple(listings), required=tuple(now), planned=tuple(soon))


def select_packs(
    channel: str | None = None, files: Sequence[Path] = (), *, shipped: bool = True
) -> list[RulePack]:
    """Shipped packs (unless ``shipped`` is false) plus the seller's files, for ``channel``."""
    packs = shipped_packs((channel,) if channel and not files else ()) if shipped else []
    packs += [load_pack(path) for path in files]
    names = [(p.channel, p.name) for p in packs]
    for key in names:
        if names.count(key) > 1:
            raise Duplicate(f"two packs named {key[1]!r} for channel {key[0]!r}", field="pack")
    return [p for p in packs if channel is None or p.channel == channel]


def check_listings(
    files: Sequence[Path],
    packs: Sequence[RulePack],
    as_of: date,
    upcoming_days: int = 30,
    extra: Sequence[ListingContent] = (),
) -> Report:
    """Load listings from files (plus ``extra``) and check them against ``packs``."""
    listings = [listing for path in files for listing in load_listings(path)]
    return check([*listings, *extra], packs, as_of, upcoming_days)


def _violation(violation: Violation, lang: Lang) -> dict[str, Any]:
    rule = violation.rule
    return {
        "offer": violation.offer,
        "channel": violation.channel,
        "pack": violation.pack,
        "rule": rule.id,
        "severity": rule.severity.value,
        "effective_from": rule.effective_from.isoformat(),
        "until": rule.until.isoformat() if rule.until else None,
        "message": violation.message(lang),
        "fix": rule.fix.in_lang(lang),
        "detail": violation.detail.in_lang(lang),
        "source": rule.source,
    }


def report_dict(report: Report, lang: Lang = Lang.PL) -> dict[str, Any]:
    """The report as plain JSON-ready data, messages in ``lang``."""
    return {
        "as_of": report.as_of.isoformat(),
        "upcoming_until": report.upcoming_until.isoformat(),
        "checked": report.checked,
        "rules_in_force": report.rules_in_force,
        "rules_upcoming": report.rules_upcoming,
        "violations": [_violation(v, lang) for v in report.violations],
        "upcoming": [_violation(v, lang) for v in report.upcoming],
    }


def pack_summary(pack: RulePack, lang: Lang = Lang.PL) -> dict[str, Any]:
    """A pack and its rules as plain data (for ``omnistock rules list --json``)."""
    return {
        "pack": pack.name,
        "channel": pack.channel,
        "version": pack.version,
        "origin": pack.origin,
        "rules": [
            {
                "id": rule.id,
                "severity": rule.severity.value,
                "effective_from": rule.effective_from.isoformat(),
                "until": rule.until.isoformat() if rule.until else None,
                "description": rule.description.in_lang(lang),
                "check": rule.check.kind.value,
                "field": rule.check.field,
                "source": rule.source,
            }
            for rule in pack.rules
        ],
    }


def load_known(path: Path) -> frozenset[tuple[str, str, str]]:
    """Upcoming violations already alerted (``--state`` file); none if the file does not exist."""
    if not path.exists():
        return frozenset()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return frozenset((str(p), str(r), str(o)) for p, r, o in data["known"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidFile(f"{path}: not a compliance state file: {exc}") from None


def save_known(path: Path, known: frozenset[tuple[str, str, str]]) -> None:
    """Write the state atomically (temporary file, then rename)."""
    temporary = path.with_name(path.name + ".tmp")
    body = {"version": 1, "known": sorted(list(k) for k in known)}
    temporary.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


def alert_dict(alert: RuleAlert) -> dict[str, Any]:
    """An alert as plain data (ids and numbers only)."""
    return {
        "channel": alert.channel,
        "pack": alert.pack,
        "rule": alert.rule,
        "severity": alert.severity.value,
        "effective_from": alert.effective_from.isoformat(),
        "count": alert.count,
        "offers": list(alert.offers),
        "subject": alert.subject,
        "detail": alert.detail,
    }
