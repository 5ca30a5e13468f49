"""The order state machine, channel status mapping and stock effects (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from omnistock.domain.bundles import Bundle
from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import ChannelId, Sku
from omnistock.domain.inventory import BundleComponent
from omnistock.domain.orders import (
    EffectKind,
    ObservedOrder,
    OrderLine,
    OrderStatus,
    advance,
    allegro_status,
    channel_status,
    line_ref,
    order_effects,
)

S = OrderStatus
CH = ChannelId("allegro")
LINE = OrderLine(line_id="L1", offer_id="111", quantity=2, sku=Sku("MUG"))
KIT = Bundle(
    sku=Sku("KIT"),
    components=[
        BundleComponent(sku=Sku("MUG"), quantity=2),
        BundleComponent(sku=Sku("TEA"), quantity=1),
    ],
)


@pytest.mark.parametrize(
    ("current", "observed", "expected"),
    [
        (None, S.PAID, S.PAID),  # first sight takes what is observed
        (S.NEW, S.PAID, S.PAID),  # forward
        (S.PAID, S.NEW, S.PAID),  # a late FILLED_IN after READY_FOR_PROCESSING is stale
        (S.READY, S.CANCELLED, S.CANCELLED),  # cancel after ready
        (S.CANCELLED, S.PAID, S.CANCELLED),  # cancelled is final
        (S.SHIPPED, S.CANCELLED, S.SHIPPED),  # shipped cannot be cancelled
        (S.SHIPPED, S.RETURNED, S.RETURNED),  # shipped goods come back
        (S.RETURNED, S.SHIPPED, S.RETURNED),  # returned is final
        (S.NEW, S.SHIPPED, S.SHIPPED),  # missed states are skipped
    ],
)
def test_advance_moves_forward_only(
    current: OrderStatus | None, observed: OrderStatus, expected: OrderStatus
) -> None:
    assert advance(current, observed) is expected


@pytest.mark.parametrize(
    ("form", "fulfillment", "expected"),
    [
        ("BOUGHT", None, S.NEW),
        ("FILLED_IN", "NEW", S.NEW),
        ("READY_FOR_PROCESSING", "NEW", S.PAID),
        ("READY_FOR_PROCESSING", "PROCESSING", S.PAID),
        ("READY_FOR_PROCESSING", "READY_FOR_SHIPMENT", S.READY),
        ("READY_FOR_PROCESSING", "SENT", S.SHIPPED),
        ("READY_FOR_PROCESSING", "PICKED_UP", S.SHIPPED),
        ("READY_FOR_PROCESSING", "RETURNED", S.RETURNED),
        ("READY_FOR_PROCESSING", "CANCELLED", S.CANCELLED),
        ("CANCELLED", "NEW", S.CANCELLED),
        ("SOMETHING", None, None),  # unknown → quarantine
        ("READY_FOR_PROCESSING", "TELEPORTED", None),
    ],
)
def test_allegro_status(form: str, fulfillment: str | None, expected: OrderStatus | None) -> None:
    assert allegro_status(form, fulfillment) is expected


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [
        ("woocommerce", "processing", S.PAID),
        ("woocommerce", "completed", S.SHIPPED),
        ("woocommerce", "cancelled", S.CANCELLED),
        ("woocommerce", "refunded", S.RETURNED),
        ("woocommerce", "on-hold", S.NEW),
        ("amazon", "UNSHIPPED", S.PAID),
        ("amazon", "SHIPPED", S.SHIPPED),
        ("amazon", "CANCELLED", S.CANCELLED),
        ("amazon", "PENDING", S.NEW),
        ("amazon", "shipped", None),  # case matters
        ("meta", "anything", None),
    ],
)
def test_channel_status(kind: str, status: str, expected: OrderStatus | None) -> None:
    assert channel_status(kind, status) is expected


def _kinds(before: OrderStatus | None, after: OrderStatus) -> list[EffectKind]:
    return [e.kind for e in order_effects(CH, before, after, [LINE], [LINE], {})]


@pytest.mark.parametrize(
    ("before", "after", "kinds"),
    [
        (None, S.NEW, [EffectKind.RESERVE]),
        (None, S.PAID, [EffectKind.RESERVE]),
        (S.NEW, S.PAID, []),  # still reserved: nothing to do
        (S.PAID, S.CANCELLED, [EffectKind.RELEASE]),
        (S.PAID, S.SHIPPED, [EffectKind.RELEASE, EffectKind.CONSUME]),
        (None, S.SHIPPED, [EffectKind.CONSUME]),  # first seen already shipped
        (None, S.CANCELLED, []),  # never reserved
        (None, S.RETURNED, []),  # unknown history: a person counts returns
        (S.SHIPPED, S.RETURNED, []),  # returns are not restocked automatically
        (S.READY, S.RETURNED, [EffectKind.RELEASE, EffectKind.CONSUME]),
    ],
)
def test_effects_of_a_transition(
    before: OrderStatus | None, after: OrderStatus, kinds: list[EffectKind]
) -> None:
    assert _kinds(before, after) == kinds


def test_a_kit_line_reserves_its_components() -> None:
    line = OrderLine(line_id="L9", offer_id="9", quantity=3, sku=Sku("KIT"))
    (effect,) = order_effects(CH, None, S.PAID, [], [line], {Sku("KIT"): KIT})
    assert effect.kind is EffectKind.RESERVE
    assert dict(effect.needs) == {Sku("MUG"): 6, Sku("TEA"): 3}
    assert effect.ref == line_ref(CH, "L9")


def test_unlinked_lines_have_no_effect() -> None:
    line = OrderLine(line_id="L2", offer_id="222", quantity=1)
    assert order_effects(CH, None, S.PAID, [], [line], {}) == []


def test_lines_added_and_removed_while_active() -> None:
    other = OrderLine(line_id="L2", offer_id="222", quantity=1, sku=Sku("TEA"))
    effects = order_effects(CH, S.NEW, S.PAID, [LINE], [other], {})
    assert [(e.kind, e.ref) for e in effects] == [
        (EffectKind.RELEASE, line_ref(CH, "L1")),
        (EffectKind.RESERVE, line_ref(CH, "L2")),
    ]


def test_line_ref_is_bounded() -> None:
    assert len(line_ref(ChannelId("x" * 90), "y" * 40)) <= 100
    assert line_ref(CH, "abc") == "o:allegro:abc"


@pytest.mark.parametrize(
    "change",
    [
        {"external_id": " "},
        {"updated_at": datetime(2026, 1, 1)},  # noqa: DTZ001 — naive on purpose
        {"paid_at": datetime(2026, 1, 1)},  # noqa: DTZ001 — naive on purpose
        {"lines": (LINE, LINE)},
    ],
)
def test_observed_order_rejects_bad_values(change: dict[str, object]) -> None:
    values: dict[str, object] = {
        "channel": CH,
        "external_id": "F1",
        "status": S.NEW,
        "channel_status": "BOUGHT",
        "lines": (LINE,),
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
    } | change
    with pytest.raises(InvalidValue):
        ObservedOrder(**values)  # type: ignore[arg-type]


def test_order_line_rejects_non_positive_quantity() -> None:
    with pytest.raises(InvalidValue, match="quantity"):
        OrderLine(line_id="L", offer_id="1", quantity=0)


def test_a_line_linked_after_import_is_reserved_then() -> None:
    unlinked = OrderLine(line_id="L1", offer_id="111", quantity=2)
    effects = order_effects(CH, S.PAID, S.PAID, [unlinked], [LINE], {})
    assert [(e.kind, dict(e.needs)) for e in effects] == [(EffectKind.RESERVE, {Sku("MUG"): 2})]
