"""Category parameter requirements: required now, or scheduled to become required.

A rule says that offers in ``category_id`` must fill ``parameter_id`` from ``required_from`` on
(``None``: already required). Before that date the rule is a ``REQUIREMENT_CHANGE`` scheduled
change and offers missing the parameter count as ``REQUIREMENT_PLANNED``; after it, ``REQUIRED``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from omnistock.sandbox.allegro.offers import Offer

__all__ = ["HORIZON", "ParameterBook", "ParameterRule"]

HORIZON = timedelta(days=92)  # Allegro announces changes up to three months ahead


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterRule:
    """One requirement of a category parameter."""

    category_id: str
    parameter_id: str
    scheduled_at: datetime
    required_from: datetime | None = None

    def kind(self, now: datetime) -> str:
        """``REQUIRED`` or ``REQUIREMENT_PLANNED`` at ``now``."""
        if self.required_from is None or self.required_from <= now:
            return "REQUIRED"
        return "REQUIREMENT_PLANNED"


@dataclass(slots=True)
class ParameterBook:
    """Every category parameter rule of the sandbox."""

    rules: list[ParameterRule] = field(default_factory=list)

    def add(self, rule: ParameterRule) -> None:
        """Add (or replace) the rule for one category parameter."""
        self.rules = [
            r
            for r in self.rules
            if (r.category_id, r.parameter_id) != (rule.category_id, rule.parameter_id)
        ]
        self.rules.append(rule)

    def unfilled(self, offer: Offer, now: datetime, kind: str | None) -> list[str]:
        """Parameter ids ``offer`` lacks (of ``kind`` if given)."""
        return [
            r.parameter_id
            for r in self.rules
            if r.category_id == offer.category_id
            and r.parameter_id not in offer.parameters
            and (kind is None or r.kind(now) == kind)
        ]

    def scheduled(self, now: datetime) -> Iterable[ParameterRule]:
        """Requirement changes still ahead (at most three months), soonest first."""
        ahead = [
            r
            for r in self.rules
            if r.required_from is not None and now < r.required_from <= now + HORIZON
        ]
        return sorted(ahead, key=lambda r: (r.required_from, r.category_id, r.parameter_id))
