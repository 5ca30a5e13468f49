"""Blocking a push: an offer that breaks an error-severity rule in force is not published.

The gate is built once per run (rules compiled, filtered to errors in force on ``as_of``) and
asked per listing; its ``reason`` is the text a held push carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from omnistock.domain.compliance.check import CompiledRule, Violation, compile_packs
from omnistock.domain.compliance.content import ListingContent
from omnistock.domain.compliance.rules import Lang, RulePack, RuleSeverity

__all__ = ["PushGate"]


@dataclass(frozen=True, slots=True)
class PushGate:
    """Error-severity rules in force on one day, compiled."""

    rules: tuple[CompiledRule, ...]

    @classmethod
    def for_packs(cls, packs: Sequence[RulePack], as_of: date) -> PushGate:
        compiled = compile_packs(packs)
        return cls(
            tuple(
                c
                for c in compiled
                if c.rule.severity is RuleSeverity.ERROR and c.rule.in_force(as_of)
            )
        )

    def blocking(self, listing: ListingContent) -> tuple[Violation, ...]:
        """The error violations that stop ``listing`` from being published."""
        found = []
        for compiled in self.rules:
            if listing.channel is not None and compiled.channel != listing.channel:
                continue
            if not compiled.applies(listing):
                continue
            detail = compiled.run(listing)
            if detail is not None:
                found.append(
                    Violation(
                        offer=listing.offer,
                        channel=compiled.channel,
                        pack=compiled.pack,
                        rule=compiled.rule,
                        detail=detail,
                    )
                )
        return tuple(found)

    def reason(self, listing: ListingContent, lang: Lang = Lang.EN) -> str | None:
        """``None`` when the push may go, else why not (rule ids and what to fix)."""
        found = self.blocking(listing)
        if not found:
            return None
        return "; ".join(f"{v.pack}/{v.rule.id}: {v.message(lang)}" for v in found)
