"""Hypothesis strategies shared by the domain tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from omnistock.domain.ids import ChannelId
from omnistock.domain.policy import Policy, Strategy, VelocityLimits

CHANNELS = [ChannelId(name) for name in ("allegro", "amazon", "meta", "shop")]

channel_lists = st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=4, unique=True)


@st.composite
def basis_points(draw: st.DrawFn, parts: int) -> list[int]:
    """``parts`` non-negative amounts in 1/100 % summing to at most 100 %."""
    raw = draw(st.lists(st.integers(0, 10_000), min_size=parts, max_size=parts))
    total = sum(raw)
    return [v * 10_000 // total for v in raw] if total > 10_000 else raw


def percent(bp: int) -> Decimal:
    return Decimal(bp) / 100


@st.composite
def percentage_policies(draw: st.DrawFn, *, caps: bool = False) -> Policy:
    """A ``percentage`` policy over some of ``CHANNELS`` with a reserve, maybe with caps."""
    named = draw(st.lists(st.sampled_from(CHANNELS), max_size=4, unique=True))
    amounts = draw(basis_points(len(named) + 1))
    max_listed = {}
    if caps:
        capped = draw(st.lists(st.sampled_from(CHANNELS), max_size=2, unique=True))
        max_listed = {ch: draw(st.integers(0, 50)) for ch in capped}
    return Policy(
        strategy=Strategy.PERCENTAGE,
        shares={ch: percent(bp) for ch, bp in zip(named, amounts, strict=False)},
        reserve=percent(amounts[-1]),
        buffer=draw(st.integers(0, 5)),
        resume_margin=draw(st.integers(0, 5)),
        max_listed=max_listed,
    )


@st.composite
def velocity_limits(draw: st.DrawFn) -> VelocityLimits:
    floor = draw(st.integers(0, 30))
    ceiling = draw(st.integers(max(floor, 10), 100))
    return VelocityLimits(
        floor=Decimal(floor) / 100,
        ceiling=Decimal(ceiling) / 100,
        max_step=Decimal(draw(st.integers(0, 50))) / 100,
    )


@st.composite
def fraction_shares(draw: st.DrawFn) -> dict[ChannelId, Decimal]:
    """Velocity-style shares (fractions 0–1, 6 places) of some channels, summing to ≤ 1."""
    named = draw(st.lists(st.sampled_from(CHANNELS), max_size=4, unique=True))
    amounts = draw(basis_points(len(named)))
    return {ch: Decimal(bp) / 10_000 for ch, bp in zip(named, amounts, strict=True)}
