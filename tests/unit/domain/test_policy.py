"""Policies: validation of shares, reserve, buffer, caps; resolution SKU > group > global."""

from __future__ import annotations

from decimal import Decimal

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.policy import Policy, PolicyScope, Strategy, VelocityLimits, resolve_policy

A, B = ChannelId("a"), ChannelId("b")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"shares": {A: Decimal(70), B: Decimal(40)}}, "share"),  # shares above 100 %
        ({"shares": {A: Decimal(95)}, "reserve": Decimal(10)}, "share"),  # with the reserve
        ({"shares": {A: Decimal(-1)}}, "share"),  # negative share
        ({"reserve": Decimal(101)}, "reserve"),  # reserve above 100 %
        ({"buffer": -1}, "buffer"),  # negative buffer
        ({"resume_margin": -2}, "resume_margin"),  # negative margin
        ({"max_listed": {A: -1}}, "max_listed"),  # negative cap
    ],
)
def test_bad_policies_are_rejected(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        Policy(strategy=Strategy.PERCENTAGE, **kwargs)  # type: ignore[arg-type]
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"floor": Decimal("0.5"), "ceiling": Decimal("0.4")}, "floor"),  # floor above ceiling
        ({"max_step": Decimal("1.5")}, "max_step"),  # step above 1
        ({"half_life_days": Decimal(0)}, "half_life_days"),  # no half-life
    ],
)
def test_bad_velocity_limits_are_rejected(kwargs: dict[str, Decimal], field: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        VelocityLimits(**kwargs)
    assert exc.value.field == field


GLOBAL = Policy(buffer=1)
GROUP = Policy(buffer=2)
ONE_SKU = Policy(buffer=3)
RULES = {
    (PolicyScope.GLOBAL, ""): GLOBAL,
    (PolicyScope.GROUP, "kuchnia"): GROUP,
    (PolicyScope.SKU, "MUG-1"): ONE_SKU,
}


@pytest.mark.parametrize(
    ("sku", "group", "rules", "expected"),
    [
        ("MUG-1", "kuchnia", RULES, (PolicyScope.SKU, ONE_SKU)),  # SKU rule wins
        ("MUG-2", "kuchnia", RULES, (PolicyScope.GROUP, GROUP)),  # then the group
        ("MUG-2", None, RULES, (PolicyScope.GLOBAL, GLOBAL)),  # no group: global
        ("MUG-2", "ogród", RULES, (PolicyScope.GLOBAL, GLOBAL)),  # group without a rule
        ("MUG-2", None, {}, (PolicyScope.GLOBAL, Policy())),  # nothing set: the default
    ],
)
def test_resolve_policy(
    sku: str,
    group: str | None,
    rules: dict[tuple[PolicyScope, str], Policy],
    expected: tuple[PolicyScope, Policy],
) -> None:
    assert resolve_policy(Sku(sku), group, rules) == expected
