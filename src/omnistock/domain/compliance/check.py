"""Check listings against rule packs on a given day, and list what breaks rules coming soon."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from omnistock.domain.compliance.compile import (
    Compiled,
    Predicate,
    compile_check,
    compile_conditions,
)
from omnistock.domain.compliance.content import ListingContent
from omnistock.domain.compliance.rules import Lang, Rule, RulePack, RuleSeverity, Text
from omnistock.domain.errors import InvalidValue

__all__ = ["CompiledRule", "Report", "Violation", "check", "compile_packs"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One offer breaking one rule; ``upcoming`` when the rule is not in force yet."""

    offer: str
    channel: str
    pack: str
    rule: Rule
    detail: Text
    upcoming: bool = False

    @property
    def severity(self) -> RuleSeverity:
        return self.rule.severity

    def message(self, lang: Lang) -> str:
        """What to fix and what is wrong, in ``lang``."""
        return f"{self.rule.fix.in_lang(lang)} — {self.detail.in_lang(lang)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """Violations of rules in force on ``as_of`` and of rules starting within the window."""

    as_of: date
    upcoming_until: date
    checked: int
    rules_in_force: int
    rules_upcoming: int
    violations: tuple[Violation, ...]
    upcoming: tuple[Violation, ...]

    def errors(self) -> tuple[Violation, ...]:
        """In-force violations of error severity (what a marketplace would refuse)."""
        return tuple(v for v in self.violations if v.severity is RuleSeverity.ERROR)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to run: its pack, channel, condition and check closures."""

    rule: Rule
    pack: str
    channel: str
    applies: Predicate
    run: Compiled


def compile_packs(packs: Iterable[RulePack]) -> list[CompiledRule]:
    """Compile every rule once (getters resolved, regexes compiled)."""
    return [
        CompiledRule(
            rule, pack.name, pack.channel, compile_conditions(rule.when), compile_check(rule.check)
        )
        for pack in packs
        for rule in pack.rules
    ]


def _evaluate(
    listings: Sequence[ListingContent], rules: Sequence[CompiledRule], *, upcoming: bool
) -> list[Violation]:
    found: list[Violation] = []
    # per channel: (rule, its condition or None when it has none, its check)
    by_channel: dict[str | None, list[tuple[CompiledRule, Predicate | None, Compiled]]] = {}
    for listing in listings:
        channel = listing.channel
        selected = by_channel.get(channel)
        if selected is None:
            selected = [
                (r, r.applies if r.rule.when else None, r.run)
                for r in rules
                if channel is None or r.channel == channel
            ]
            by_channel[channel] = selected
        for compiled, applies, run in selected:
            if applies is not None and not applies(listing):
                continue
            detail = run(listing)
            if detail is not None:
                found.append(_violation(listing, compiled, detail, upcoming))
    return found


def _violation(
    listing: ListingContent, compiled: CompiledRule, detail: Text, upcoming: bool
) -> Violation:
    return Violation(
        offer=listing.offer,
        channel=compiled.channel,
        pack=compiled.pack,
        rule=compiled.rule,
        detail=detail,
        upcoming=upcoming,
    )


def check(
    listings: Sequence[ListingContent],
    packs: Sequence[RulePack] | Sequence[CompiledRule],
    as_of: date,
    upcoming_days: int = 30,
) -> Report:
    """Run the rules in force on ``as_of``, and those starting within ``upcoming_days`` after it.

    A pack applies to listings of its channel and to listings without a channel.
    """
    if upcoming_days < 0:
        raise InvalidValue("must be 0 or more", field="upcoming_days")
    compiled = [p for p in packs if isinstance(p, CompiledRule)] or compile_packs(
        p for p in packs if isinstance(p, RulePack)
    )
    until = as_of + timedelta(days=upcoming_days)
    in_force = [c for c in compiled if c.rule.in_force(as_of)]
    coming = [c for c in compiled if c.rule.starts_within(as_of, until)]
    return Report(
        as_of=as_of,
        upcoming_until=until,
        checked=len(listings),
        rules_in_force=len(in_force),
        rules_upcoming=len(coming),
        violations=tuple(_evaluate(listings, in_force, upcoming=False)),
        upcoming=tuple(_evaluate(listings, coming, upcoming=True)),
    )
