"""Explanations give every number of an allocation, consistent with ``allocate_sku``."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnistock.domain.allocation import AllocationInput, allocate_sku
from omnistock.domain.explain import explain_sku
from omnistock.domain.ids import ChannelId, Sku, WarehouseId
from omnistock.domain.inventory import BundleComponent, Reservation, StockLevel
from omnistock.domain.policy import Policy, Strategy

from .strategies import percentage_policies

A, B, C = (ChannelId(x) for x in ("allegro", "shop", "amazon"))
SKU = Sku("MUG-1")


def make_input(policy: Policy, *, was_paused: bool = False, **kwargs: object) -> AllocationInput:
    return AllocationInput(
        sku=SKU,
        levels=[
            StockLevel(sku=SKU, warehouse=WarehouseId("main"), on_hand=10),
            StockLevel(sku=SKU, warehouse=WarehouseId("outlet"), on_hand=3),
        ],
        reservations=[
            Reservation(sku=SKU, quantity=2, order_ref="A-1"),
            Reservation(sku=SKU, quantity=5, order_ref="A-2", open=False),
        ],
        policy=policy,
        channels=[A, B, C],
        was_paused=was_paused,
        **kwargs,  # type: ignore[arg-type]
    )


PERCENTAGE = Policy(
    strategy=Strategy.PERCENTAGE,
    shares={A: Decimal(60), B: Decimal(30)},
    reserve=Decimal(10),
    buffer=1,
    max_listed={B: 2},
)


def test_percentage_explanation_has_every_number() -> None:
    data = explain_sku(make_input(PERCENTAGE)).to_dict()
    assert data["warehouses"] == [
        {"warehouse": "main", "on_hand": 10},
        {"warehouse": "outlet", "on_hand": 3},
    ]
    assert data["reservations"] == [{"order_ref": "A-1", "quantity": 2}]  # closed one left out
    assert (data["on_hand"], data["reserved"], data["available"]) == (13, 2, 11)
    assert (data["buffer"], data["paused"], data["sellable"]) == (1, False, 10)
    assert (data["strategy"], data["reserve_pct"]) == ("percentage", "10")
    assert data["channels"] == {
        A: {"share_pct": "60", "raw": 6, "cap": None, "capped": False, "quantity": 6},
        B: {"share_pct": "30", "raw": 3, "cap": 2, "capped": True, "quantity": 2},
        C: {"share_pct": "0", "raw": 0, "cap": None, "capped": False, "quantity": 0},
    }
    assert data["allocation"] == {A: 6, B: 2, C: 0}
    assert data["held_back"] == 1  # the 10 % reserve of 10 sellable
    json.dumps(data)  # JSON-ready


@pytest.mark.parametrize(
    ("buffer", "margin", "was_paused", "reason"),
    [
        (11, 0, False, "paused: available 11 ≤ buffer 11"),  # at the buffer
        (9, 5, True, "still paused: available 11 < buffer + resume margin 14"),  # in the band
        (9, 2, True, "resumed: available 11 ≥ buffer + resume margin 11"),  # crossed back
        (9, 5, False, "listed: available 11 > buffer 9"),  # never paused
    ],
)
def test_pause_reason(buffer: int, margin: int, was_paused: bool, reason: str) -> None:
    policy = Policy(buffer=buffer, resume_margin=margin)
    explanation = explain_sku(make_input(policy, was_paused=was_paused))
    assert explanation.pause_reason == reason
    if explanation.allocation.paused:
        assert explanation.to_dict()["allocation"] == {A: 0, B: 0, C: 0}


@pytest.mark.parametrize(
    "policy",
    [
        PERCENTAGE,
        Policy(max_listed={A: 4}),
        Policy(strategy=Strategy.VELOCITY, buffer=3),
        Policy(buffer=20),
    ],
)
def test_explanation_matches_allocate_sku(policy: Policy) -> None:
    inp = make_input(policy)
    explanation = explain_sku(inp)
    assert explanation.allocation == allocate_sku(inp)
    assert {line.channel: line.quantity for line in explanation.channels} == dict(
        explanation.allocation.quantities
    )


def test_velocity_shares_are_shown_in_percent() -> None:
    shares = {A: Decimal("0.5"), B: Decimal("0.25")}
    data = explain_sku(
        make_input(Policy(strategy=Strategy.VELOCITY), velocity_shares=shares)
    ).to_dict()
    channels = data["channels"]
    assert isinstance(channels, dict)
    assert [channels[ch]["share_pct"] for ch in (A, B, C)] == ["50", "25", "0"]
    # 11 sellable: 5.5 and 2.75 → 8 units, floors 5/2, the leftover unit to the larger remainder
    assert data["allocation"] == {A: 5, B: 3, C: 0}


def test_bundle_components_are_listed() -> None:
    inp = AllocationInput(
        sku=Sku("KIT"),
        levels=[],
        reservations=[],
        policy=Policy(),
        channels=[A],
        bundle=[BundleComponent(sku=Sku("X"), quantity=2)],
        component_available={Sku("X"): 7},
    )
    data = explain_sku(inp).to_dict()
    assert data["components"] == [{"sku": "X", "per_bundle": 2, "available": 7, "bundles": 3}]
    assert data["allocation"] == {A: 3}


@settings(deadline=None)
@given(
    policy=percentage_policies(caps=True) | st.builds(Policy, buffer=st.integers(0, 15)),
    was_paused=st.booleans(),
)
def test_explanation_numbers_add_up(policy: Policy, was_paused: bool) -> None:
    explanation = explain_sku(make_input(policy, was_paused=was_paused))
    data = explanation.to_dict()
    assert data["on_hand"] == sum(w["on_hand"] for w in data["warehouses"])  # type: ignore[attr-defined]
    assert data["reserved"] == sum(r["quantity"] for r in data["reservations"])  # type: ignore[attr-defined]
    for line in explanation.channels:
        expected = 0 if explanation.allocation.paused else line.raw
        if line.cap is not None:
            expected = min(expected, line.cap)
        assert line.quantity == expected
    assert explanation.held_back >= 0
