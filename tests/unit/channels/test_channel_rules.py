"""Pure rules of the adapters: Allegro plans and task results, Amazon reports, WooCommerce ids
and webhook signatures, the file token store."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid5

import pytest

from omnistock.channels.allegro.adapter import task_result
from omnistock.channels.allegro.plan import CommandKind, plan_batch
from omnistock.channels.allegro.tokens import FileTokenStore, TokenPair
from omnistock.channels.amazon.feed import feed_document, report_results
from omnistock.channels.base import ItemResult, ItemStatus, PushBatch, PushItem
from omnistock.channels.woocommerce import WebhookVerdict, sign, split_offer_id, verify_webhook
from omnistock.domain.ids import ChannelId, Sku
from omnistock.sandbox.woocommerce.delivery import signature as sandbox_signature

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
BATCH = UUID("00000000-0000-4000-8000-000000000001")


def _batch(*items: tuple[str, int, int | None]) -> PushBatch:
    return PushBatch(
        id=BATCH,
        channel=ChannelId("allegro"),
        items=tuple(
            PushItem(offer_id=o, sku=Sku(o), quantity=q, previous=p, observed_at=T0)
            for o, q, p in items
        ),
    )


def test_small_batches_are_patches() -> None:
    plan = plan_batch(_batch(("1", 0, 5), ("2", 3, 0)), patch_max_items=3)
    assert [i.offer_id for i in plan.patches] == ["1", "2"]
    assert plan.commands == ()


def test_one_value_is_one_command_under_the_batch_id() -> None:
    plan = plan_batch(_batch(*[(str(n), 5, 4) for n in range(4)]), patch_max_items=3)
    (command,) = plan.commands
    assert command.id == BATCH
    assert command.kind is CommandKind.QUANTITY
    assert command.body["modification"] == {"changeType": "FIXED", "value": 5}


def test_mixed_batch_splits_by_value_with_derived_ids() -> None:
    items = [("1", 5, 4), ("2", 5, 4), ("3", 0, 4), ("4", 2, 0), ("5", 2, None)]
    plan = plan_batch(_batch(*items), patch_max_items=3)
    ids = {(c.kind, c.id, c.offers) for c in plan.commands}
    assert ids == {
        (CommandKind.QUANTITY, uuid5(BATCH, "quantity:2"), ("4", "5")),
        (CommandKind.QUANTITY, uuid5(BATCH, "quantity:5"), ("1", "2")),
        (CommandKind.PUBLICATION, uuid5(BATCH, "end"), ("3",)),
    }
    assert plan.activate == ("4",)  # resumed from 0; "5" (previous unknown) is not re-activated
    assert plan_batch(_batch(*items), patch_max_items=3) == plan  # deterministic


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        (
            {"offer": {"id": "1"}, "status": "SUCCESS"},
            ItemResult(offer_id="1", status=ItemStatus.OK),
        ),
        ({"offer": {"id": "1"}, "status": "NEW"}, None),  # not finished yet
        (
            {
                "offer": {"id": "1"},
                "status": "FAIL",
                "errors": [{"code": "OFFER_NOT_FOUND", "message": "m"}],
            },
            ItemResult(
                offer_id="1", status=ItemStatus.PERMANENT, code="OFFER_NOT_FOUND", message="m"
            ),
        ),
        (
            {
                "offer": {"id": "1"},
                "status": "FAIL",
                "errors": [{"code": "InProgressTaskLimitReachedException", "message": "m"}],
            },
            ItemResult(
                offer_id="1",
                status=ItemStatus.RETRYABLE,
                code="InProgressTaskLimitReachedException",
                message="m",
            ),
        ),
    ],
)
def test_task_results(task: dict[str, object], expected: ItemResult | None) -> None:
    assert task_result(task) == expected


def test_feed_report_maps_errors_by_message_id() -> None:
    items = _batch(("A", 1, None), ("B", 2, None), ("C", 3, None)).items
    document = feed_document("S1", items, "PRODUCT", "DEFAULT")
    assert [m["messageId"] for m in document["messages"]] == [1, 2, 3]
    report = {
        "issues": [
            {"messageId": 2, "code": "4000004", "severity": "ERROR", "message": "no sku"},
            {"messageId": 3, "code": "InternalFailure", "severity": "ERROR", "message": "retry"},
            {"messageId": 1, "code": "99", "severity": "WARNING", "message": "fyi"},
        ]
    }
    results = report_results(items, report, fatal=False)
    assert [(r.offer_id, r.status, r.code) for r in results] == [
        ("A", ItemStatus.OK, None),
        ("B", ItemStatus.PERMANENT, "4000004"),
        ("C", ItemStatus.RETRYABLE, "InternalFailure"),
    ]
    fatal = report_results(items, {"issues": [{"code": "4002001", "message": "bad"}]}, fatal=True)
    assert {(r.status, r.code) for r in fatal} == {(ItemStatus.PERMANENT, "4002001")}


@pytest.mark.parametrize(
    ("offer_id", "expected"),
    [
        ("12", (0, 12)),
        ("12:34", (12, 34)),
        ("0", None),
        ("12:", None),
        ("a", None),
        ("1:2:3", None),
    ],
)
def test_woocommerce_offer_ids(offer_id: str, expected: tuple[int, int] | None) -> None:
    assert split_offer_id(offer_id) == expected


BODY = b'{"id":1,"status":"processing"}'


def test_signature_matches_woocommerce_and_the_sandbox() -> None:
    expected = base64.b64encode(hmac.new(b"s3cret", BODY, hashlib.sha256).digest()).decode()
    assert sign(BODY, "s3cret") == expected == sandbox_signature(BODY, "s3cret")


@pytest.mark.parametrize(
    ("headers", "body", "verdict"),
    [
        ({"X-WC-Webhook-Signature": sign(BODY, "s3cret")}, BODY, WebhookVerdict.VALID),
        ({"x-wc-webhook-signature": sign(BODY, "s3cret")}, BODY, WebhookVerdict.VALID),  # any case
        ({"X-WC-Webhook-Signature": sign(BODY, "other")}, BODY, WebhookVerdict.INVALID),  # secret
        ({"X-WC-Webhook-Signature": sign(BODY, "s3cret")}, BODY + b" ", WebhookVerdict.INVALID),
        ({}, BODY, WebhookVerdict.INVALID),  # unsigned JSON is not a ping
        ({}, b"webhook_id=17", WebhookVerdict.PING),  # activation ping
        ({"X-WC-Webhook-Topic": "order.created"}, b"webhook_id=17", WebhookVerdict.INVALID),
    ],
)
def test_webhook_verification(
    headers: dict[str, str], body: bytes, verdict: WebhookVerdict
) -> None:
    assert verify_webhook(headers, body, "s3cret") is verdict


def test_file_token_store_replaces_the_pair_atomically(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    assert store.load() is None
    pairs = [
        TokenPair(access_token=f"a{n}", refresh_token=f"r{n}", expires_at=T0 + timedelta(hours=n))
        for n in range(20)
    ]

    def save_all() -> None:
        for pair in pairs:
            store.save(pair)

    writers = [threading.Thread(target=save_all) for _ in range(3)]
    for writer in writers:
        writer.start()
    seen = []
    while any(w.is_alive() for w in writers):
        loaded = store.load()
        if loaded is not None:
            seen.append(loaded)
    for writer in writers:
        writer.join()
    assert all(p in pairs for p in seen)  # never a torn or mixed pair
    assert store.load() == pairs[-1]
    assert sorted(os.listdir(tmp_path)) == ["tokens.json"]  # no temporary files left behind
