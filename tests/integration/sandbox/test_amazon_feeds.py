"""Amazon sandbox over real HTTP: the Feeds API with ``JSON_LISTINGS_FEED`` documents."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from omnistock.sandbox.amazon import create_app
from omnistock.sandbox.amazon.feed_schema import schema as embedded_schema
from omnistock.sandbox.common import FaultConfig, SandboxOptions, SandboxServer

REFERENCE = Path(__file__).resolve().parents[4] / "shared" / "reference" / "amazon"
SELLER = "A2OMNISTOCKSBX"
PL = "A1C3SOZRARQ6R3"
FEEDS = "/feeds/2021-06-30"
JSON_TYPE = "application/json; charset=UTF-8"
GRANT = {
    "grant_type": "refresh_token",
    "refresh_token": "Atzr|omnistock-sandbox",
    "client_id": "omnistock-sandbox",
    "client_secret": "omnistock-sandbox",
}


@dataclass
class Amazon:
    client: httpx.Client

    def advance(self, seconds: float) -> None:
        self.client.post("/_sandbox/clock/advance", json={"seconds": seconds}).raise_for_status()

    def quantity(self, sku: str) -> int | None:
        return self.client.get(f"/_sandbox/listings/{sku}").json()["quantity"]

    def upload(self, content: bytes, content_type: str = JSON_TYPE) -> str:
        created = self.client.post(f"{FEEDS}/documents", json={"contentType": content_type})
        assert created.status_code == 201
        put = httpx.put(
            created.json()["url"], content=content, headers={"content-type": content_type}
        )
        assert put.status_code == 200
        return str(created.json()["feedDocumentId"])

    def create_feed(
        self, document_id: str, feed_type: str = "JSON_LISTINGS_FEED"
    ) -> httpx.Response:
        spec = {"feedType": feed_type, "marketplaceIds": [PL], "inputFeedDocumentId": document_id}
        return self.client.post(f"{FEEDS}/feeds", json=spec)

    def submit(self, document: Any) -> str:
        answer = self.create_feed(self.upload(json.dumps(document).encode()))
        assert answer.status_code == 202, answer.text
        return str(answer.json()["feedId"])

    def feed(self, feed_id: str) -> dict[str, Any]:
        answer = self.client.get(f"{FEEDS}/feeds/{feed_id}")
        assert answer.status_code == 200
        return dict(answer.json())

    def report(self, feed_id: str) -> dict[str, Any]:
        document_id = self.feed(feed_id)["resultFeedDocumentId"]
        located = self.client.get(f"{FEEDS}/documents/{document_id}").json()
        content = httpx.get(located["url"]).content
        if located.get("compressionAlgorithm") == "GZIP":
            content = gzip.decompress(content)
        return dict(json.loads(content))


def _start(serve, faults: FaultConfig) -> Amazon:
    options = SandboxOptions(seed=11, time_scale=1e-6, faults=faults)
    server = serve(create_app(options))
    client = httpx.Client(base_url=server.url, timeout=10)
    client.headers["x-amz-access-token"] = client.post("/auth/o2/token", data=GRANT).json()[
        "access_token"
    ]
    return Amazon(client)


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """One sandbox per module (sandbox time almost still); each test starts from a reset."""
    options = SandboxOptions(seed=11, time_scale=1e-6, faults=FaultConfig(async_delay_seconds=60))
    with SandboxServer(create_app(options)) as server:
        yield server.url


@pytest.fixture
def amazon(sandbox_url: str) -> Iterator[Amazon]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        client.post("/_sandbox/reset").raise_for_status()
        token = client.post("/auth/o2/token", data=GRANT).json()["access_token"]
        client.headers["x-amz-access-token"] = token
        yield Amazon(client)


def qty_message(message_id: int, sku: str, quantity: object) -> dict[str, Any]:
    value = {"fulfillment_channel_code": "DEFAULT", "quantity": quantity}
    patch = {"op": "replace", "path": "/attributes/fulfillment_availability", "value": [value]}
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [patch],
    }


def feed_document(*messages: dict[str, Any], seller: str = SELLER) -> dict[str, Any]:
    return {"header": {"sellerId": seller, "version": "2.0"}, "messages": list(messages)}


def test_feed_lifecycle_queue_progress_done_with_report(amazon: Amazon) -> None:
    feed_id = amazon.submit(
        feed_document(qty_message(1, "DEMO-KUBEK-330", 3), qty_message(2, "DEMO-BIDON-750", 0))
    )
    first = amazon.feed(feed_id)
    assert first["processingStatus"] == "IN_QUEUE"
    assert first["feedType"] == "JSON_LISTINGS_FEED"
    assert "resultFeedDocumentId" not in first
    amazon.advance(30)
    assert amazon.feed(feed_id)["processingStatus"] == "IN_PROGRESS"
    assert amazon.quantity("DEMO-KUBEK-330") == 25
    amazon.advance(30)
    done = amazon.feed(feed_id)
    assert done["processingStatus"] == "DONE"
    assert done["processingEndTime"] >= done["processingStartTime"]
    report = amazon.report(feed_id)
    assert report["header"] == {"sellerId": SELLER, "version": "2.0", "feedId": feed_id}
    assert report["issues"] == []
    assert report["summary"] == {
        "errors": 0,
        "warnings": 0,
        "messagesProcessed": 2,
        "messagesAccepted": 2,
        "messagesInvalid": 0,
    }
    assert (amazon.quantity("DEMO-KUBEK-330"), amazon.quantity("DEMO-BIDON-750")) == (3, 0)


def test_report_has_per_message_issues_and_applies_only_valid_messages(amazon: Amazon) -> None:
    broken = {"messageId": 4, "sku": "DEMO-BIDON-750", "operationType": "PATCH"}  # no patches
    feed_id = amazon.submit(
        feed_document(
            qty_message(1, "DEMO-KUBEK-330", 5),
            qty_message(2, "NO-SUCH-SKU", 5),
            qty_message(3, "DEMO-KOSZULKA-M", -2),
            broken,
            qty_message(1, "DEMO-BIDON-750", 9),  # duplicate messageId
        )
    )
    amazon.advance(60)
    assert amazon.feed(feed_id)["processingStatus"] == "DONE"
    report = amazon.report(feed_id)
    codes = {(issue["messageId"], issue["code"]) for issue in report["issues"]}
    assert codes == {(2, "4000004"), (3, "4000001"), (4, "4002008"), (1, "4002009")}
    assert all(issue["severity"] == "ERROR" for issue in report["issues"])
    assert report["summary"]["messagesProcessed"] == 5
    assert report["summary"]["messagesAccepted"] == 1
    assert report["summary"]["messagesInvalid"] == 4
    assert report["summary"]["errors"] == 4
    assert amazon.quantity("DEMO-KUBEK-330") == 5
    assert amazon.quantity("DEMO-KOSZULKA-M") == 12
    assert amazon.quantity("DEMO-BIDON-750") == 40


def test_report_items_follow_included_data(amazon: Amazon) -> None:
    document = feed_document(qty_message(1, "DEMO-KUBEK-330", 8))
    document["header"]["report"] = {
        "includedData": ["fulfillmentAvailability"],
        "apiVersion": "2021-08-01",
    }
    feed_id = amazon.submit(document)
    amazon.advance(60)
    report = amazon.report(feed_id)
    assert report["items"] == [
        {
            "sku": "DEMO-KUBEK-330",
            "fulfillmentAvailability": [{"fulfillmentChannelCode": "DEFAULT", "quantity": 8}],
        }
    ]
    assert report["summary"]["itemSummary"] == {"items": 1, "errors": 0, "warnings": 0}


def test_update_creates_and_delete_removes_listings(amazon: Amazon) -> None:
    create = {
        "messageId": 1,
        "sku": "NEW-SKU-1",
        "operationType": "UPDATE",
        "productType": "PRODUCT",
        "attributes": {
            "item_name": [{"value": "Nowy produkt", "language_tag": "pl_PL"}],
            "fulfillment_availability": [{"fulfillment_channel_code": "DEFAULT", "quantity": 6}],
        },
    }
    remove = {"messageId": 2, "sku": "DEMO-LAMPKA-LED", "operationType": "DELETE"}
    feed_id = amazon.submit(feed_document(create, remove))
    amazon.advance(60)
    assert amazon.report(feed_id)["summary"]["messagesAccepted"] == 2
    assert amazon.quantity("NEW-SKU-1") == 6
    assert amazon.client.get("/_sandbox/listings/DEMO-LAMPKA-LED").status_code == 404


@pytest.mark.parametrize(
    ("content", "code"),
    [
        # not JSON
        (b"<AmazonEnvelope/>", "4002001"),
        # header without sellerId
        (
            json.dumps({"header": {"version": "2.0"}, "messages": [qty_message(1, "A", 1)]}),
            "4002005",
        ),
        # wrong version
        (
            json.dumps(
                {
                    "header": {"sellerId": SELLER, "version": "1.0"},
                    "messages": [qty_message(1, "A", 1)],
                }
            ),
            "4002005",
        ),
        # no messages
        (json.dumps(feed_document()), "4002005"),
        # another seller's header
        (
            json.dumps(feed_document(qty_message(1, "DEMO-KUBEK-330", 1), seller="AOTHER")),
            "4002007",
        ),
    ],
)
def test_document_breaking_the_feed_schema_is_fatal(
    amazon: Amazon, content: bytes | str, code: str
) -> None:
    raw = content.encode() if isinstance(content, str) else content
    answer = amazon.create_feed(amazon.upload(raw))
    feed_id = answer.json()["feedId"]
    amazon.advance(60)
    feed = amazon.feed(feed_id)
    assert feed["processingStatus"] == "FATAL"
    report = amazon.report(feed_id)
    assert report["issues"][0]["code"] == code
    assert "messageId" not in report["issues"][0]
    assert report["summary"]["messagesProcessed"] == 0
    assert amazon.quantity("DEMO-KUBEK-330") == 25


def test_feed_without_uploaded_document_is_fatal(amazon: Amazon) -> None:
    created = amazon.client.post(f"{FEEDS}/documents", json={"contentType": JSON_TYPE}).json()
    feed_id = amazon.create_feed(created["feedDocumentId"]).json()["feedId"]
    amazon.advance(60)
    assert amazon.feed(feed_id)["processingStatus"] == "FATAL"


def test_25000_messages_are_accepted_and_25001_are_fatal(amazon: Amazon) -> None:
    messages = [qty_message(i + 1, "DEMO-KUBEK-330", i % 50) for i in range(25_000)]
    ok = amazon.submit(feed_document(*messages))
    too_many = amazon.submit(feed_document(*messages, qty_message(25_001, "DEMO-KUBEK-330", 1)))
    amazon.advance(60)
    assert amazon.feed(ok)["processingStatus"] == "DONE"
    assert amazon.report(ok)["summary"]["messagesAccepted"] == 25_000
    assert amazon.feed(too_many)["processingStatus"] == "FATAL"
    assert amazon.quantity("DEMO-KUBEK-330") == 24_999 % 50


def test_legacy_inventory_feed_is_accepted_then_fatal(amazon: Amazon) -> None:
    document_id = amazon.upload(b"<AmazonEnvelope/>", "text/xml; charset=UTF-8")
    answer = amazon.create_feed(document_id, "POST_INVENTORY_AVAILABILITY_DATA")
    assert answer.status_code == 202
    amazon.advance(60)
    assert amazon.feed(answer.json()["feedId"])["processingStatus"] == "FATAL"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        # JSON_LISTINGS_FEED takes one marketplace only
        ({"marketplaceIds": [PL, "A1PA6795UKMFR9"]}, "maximum of 1"),
        # unknown document
        ({"inputFeedDocumentId": "amzn1.tortuga.4.eu.nope"}, "inputFeedDocumentId"),
        # unknown feed type
        ({"feedType": "MY_FEED"}, "feedType"),
        # no marketplaces
        ({"marketplaceIds": []}, "marketplaceIds"),
    ],
)
def test_create_feed_rejects_bad_specifications(
    amazon: Amazon, spec: dict[str, Any], message: str
) -> None:
    document_id = amazon.upload(b"{}")
    body = {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [PL],
        "inputFeedDocumentId": document_id,
        **spec,
    }
    answer = amazon.client.post(f"{FEEDS}/feeds", json=body)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "InvalidInput"
    assert message in answer.json()["errors"][0]["message"]


def test_json_listings_feed_limit_is_5_per_5_minutes(amazon: Amazon) -> None:
    document_id = amazon.upload(
        json.dumps(feed_document(qty_message(1, "DEMO-KUBEK-330", 1))).encode()
    )
    statuses = [amazon.create_feed(document_id).status_code for _ in range(6)]
    assert statuses == [202] * 5 + [429]
    refused = amazon.create_feed(document_id)
    assert refused.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "retry-after" not in refused.headers
    amazon.advance(299)
    assert amazon.create_feed(document_id).status_code == 429
    amazon.advance(2)
    assert amazon.create_feed(document_id).status_code == 202


def test_cancel_feed_only_while_in_queue(amazon: Amazon) -> None:
    first = amazon.submit(feed_document(qty_message(1, "DEMO-KUBEK-330", 1)))
    second = amazon.submit(feed_document(qty_message(1, "DEMO-BIDON-750", 1)))
    assert amazon.client.delete(f"{FEEDS}/feeds/{first}").status_code == 200
    amazon.advance(31)
    late = amazon.client.delete(f"{FEEDS}/feeds/{second}")
    assert late.status_code == 400
    amazon.advance(30)
    assert amazon.feed(first)["processingStatus"] == "CANCELLED"
    assert "resultFeedDocumentId" not in amazon.feed(first)
    assert amazon.quantity("DEMO-KUBEK-330") == 25
    assert amazon.quantity("DEMO-BIDON-750") == 1


def test_get_feed_and_document_errors(amazon: Amazon) -> None:
    assert amazon.client.get(f"{FEEDS}/feeds/999").status_code == 404
    assert amazon.client.get(f"{FEEDS}/feeds/badFeedId1").status_code == 400
    assert amazon.client.get(f"{FEEDS}/documents/amzn1.nope").status_code == 404
    bad = amazon.client.post(f"{FEEDS}/documents", json={})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["code"] == "InvalidInput"


def test_upload_url_expires_after_5_minutes_and_checks_signature(amazon: Amazon) -> None:
    created = amazon.client.post(f"{FEEDS}/documents", json={"contentType": JSON_TYPE}).json()
    url = created["url"]
    forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert httpx.put(forged, content=b"{}", headers={"content-type": JSON_TYPE}).status_code == 403
    wrong_type = httpx.put(url, content=b"{}", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in wrong_type.text
    amazon.advance(301)
    expired = httpx.put(url, content=b"{}", headers={"content-type": JSON_TYPE})
    assert expired.status_code == 403
    assert "<Code>AccessDenied</Code>" in expired.text


def test_partial_failures_under_faults_are_per_message_issues(serve) -> None:
    amazon = _start(serve, FaultConfig(async_delay_seconds=0, partial_batch_failure_rate=0.5))
    skus = ["DEMO-KUBEK-330", "DEMO-KOSZULKA-M", "DEMO-BIDON-750", "DEMO-LAMPKA-LED"]
    messages = [qty_message(i + 1, sku, 77) for i, sku in enumerate(skus * 5)]
    feed_id = amazon.submit(feed_document(*messages))
    assert amazon.feed(feed_id)["processingStatus"] == "DONE"
    report = amazon.report(feed_id)
    failed = {issue["messageId"] for issue in report["issues"]}
    assert {issue["code"] for issue in report["issues"]} == {"InternalFailure"}
    assert 0 < len(failed) < 20
    assert report["summary"]["messagesAccepted"] == 20 - len(failed)
    assert report["summary"]["messagesInvalid"] == len(failed)
    amazon.client.close()


def test_embedded_feed_schema_agrees_with_the_official_schema() -> None:
    official = json.loads((REFERENCE / "listings-feed-schema-v2.json").read_text())
    mine = embedded_schema()

    def bare(node: Any) -> Any:
        docs = {"title", "description", "examples", "example", "$comment"}
        if isinstance(node, dict):
            return {k: bare(v) for k, v in node.items() if k not in docs}
        if isinstance(node, list):
            return [bare(v) for v in node]
        return node

    assert mine["required"] == official["required"]
    assert mine["properties"]["header"] == bare(official["properties"]["header"])
    messages = official["properties"]["messages"]
    for key in ("type", "minItems", "maxItems"):
        assert mine["properties"]["messages"][key] == messages[key]
    assert mine["definitions"]["message"] == bare(messages["items"])


def test_large_reports_are_gzip_compressed(amazon: Amazon) -> None:
    small = amazon.submit(feed_document(qty_message(1, "NO-SUCH-SKU", 1)))
    large = amazon.submit(feed_document(*(qty_message(i, f"NO-SKU-{i}", 1) for i in range(1, 301))))
    amazon.advance(60)
    small_doc = amazon.client.get(f"{FEEDS}/documents/{amazon.feed(small)['resultFeedDocumentId']}")
    assert "compressionAlgorithm" not in small_doc.json()
    large_doc = amazon.client.get(f"{FEEDS}/documents/{amazon.feed(large)['resultFeedDocumentId']}")
    assert large_doc.json()["compressionAlgorithm"] == "GZIP"
    raw = httpx.get(large_doc.json()["url"]).content
    assert raw[:2] == b"\x1f\x8b"
    assert amazon.report(large)["summary"]["messagesInvalid"] == 300


def test_get_feeds_filters_and_pages(amazon: Amazon) -> None:
    ids = [amazon.submit(feed_document(qty_message(1, "DEMO-KUBEK-330", n))) for n in range(3)]
    amazon.advance(1)
    legacy = amazon.create_feed(amazon.upload(b"<x/>", "text/xml"), "POST_PRODUCT_DATA")
    assert legacy.status_code == 202
    amazon.client.delete(f"{FEEDS}/feeds/{ids[0]}")
    listed = amazon.client.get(
        f"{FEEDS}/feeds", params={"feedTypes": "JSON_LISTINGS_FEED", "pageSize": 2}
    )
    assert listed.status_code == 200
    assert listed.headers["x-amzn-RateLimit-Limit"] == "0.0222"
    first = listed.json()
    assert [f["feedId"] for f in first["feeds"]] == [ids[2], ids[1]]  # newest first
    rest = amazon.client.get(f"{FEEDS}/feeds", params={"nextToken": first["nextToken"]}).json()
    assert [f["feedId"] for f in rest["feeds"]] == [ids[0]]
    assert "nextToken" not in rest
    cancelled = amazon.client.get(
        f"{FEEDS}/feeds",
        params={
            "feedTypes": "JSON_LISTINGS_FEED,POST_PRODUCT_DATA",
            "processingStatuses": "CANCELLED",
        },
    ).json()
    assert [f["feedId"] for f in cancelled["feeds"]] == [ids[0]]
    both = amazon.client.get(
        f"{FEEDS}/feeds", params={"feedTypes": "POST_PRODUCT_DATA,JSON_LISTINGS_FEED"}
    ).json()
    assert len(both["feeds"]) == 4


@pytest.mark.parametrize(
    "params",
    [
        {},  # feedTypes or nextToken is required
        {"nextToken": "forged"},
        {"nextToken": "x", "feedTypes": "JSON_LISTINGS_FEED"},  # nextToken must come alone
        {"feedTypes": "JSON_LISTINGS_FEED", "pageSize": "101"},
        {"feedTypes": "JSON_LISTINGS_FEED", "processingStatuses": "LOST"},
        {"feedTypes": "JSON_LISTINGS_FEED", "createdSince": "yesterday"},
    ],
)
def test_get_feeds_rejects_bad_parameters(amazon: Amazon, params: dict[str, str]) -> None:
    answer = amazon.client.get(f"{FEEDS}/feeds", params=params)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "InvalidInput"
