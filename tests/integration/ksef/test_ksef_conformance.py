"""The sandbox's answers (and the client's requests) against the official KSeF OpenAPI 2.6 spec.

Every exchange of a full run (auth, online session with a rejection and a duplicate, batch
session, UPO, 429, 400) is recorded at the transport; each JSON body is validated with jsonschema
against the spec's schema for its path, method and status (OpenAPI 3.0 ``nullable`` and
``$ref`` translated to JSON Schema). The spec is only read, from ``../shared/reference``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from omnistock.invoicing.ksef import KsefClient, KsefRateLimited, KsefSettings

SPEC_PATH = (
    Path(__file__).resolve().parents[4] / "shared" / "reference" / "ksef" / "api" / "open-api.json"
)
JSON = "application/json"


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: ``nullable``, component ``$ref`` → ``$defs``."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if k not in ("nullable", "example")}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip(f"reference spec not found at {SPEC_PATH}")
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


class Recorder(httpx.BaseTransport):
    """Passes requests to the network and keeps (method, path, request JSON, response)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.seen: list[tuple[str, str, Any, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        body = json.loads(request.content) if request.content and request.method == "POST" else None
        self.seen.append((request.method, request.url.path, body, response))
        return response

    def close(self) -> None:
        self.inner.close()


def best_operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    """The matching template with the most literal characters (``/invoices/failed`` first)."""
    found = []
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            found.append((len(re.sub(r"\{[^/]+\}", "", template)), template, item[method.lower()]))
    if not found:
        return None
    _, template, op = max(found)
    return {"template": template, **op}


def validate(spec: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    defs = to_json_schema(spec["components"]["schemas"])
    validator = Draft202012Validator({"$defs": defs, **to_json_schema(schema)})
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.fixture
def recorded(env, make_xml) -> Recorder:
    recorder = Recorder()
    settings = KsefSettings(
        base_url=env.url, nip="5261040828", token="omnistock-sandbox", poll_interval=0.5,
        online_max=2,
    )  # fmt: skip
    with KsefClient(settings, sleep=env.sleep, now=env.sandbox.clock.now, transport=recorder) as c:
        c.submit(make_xml("FV/C/1"))
        c.send(
            [
                ("a.xml", make_xml("FV/C/1")),
                ("b.xml", make_xml("FV/C/2").replace(b"<GV>2</GV>", b"")),
            ]
        )
        c.send([(f"{n}.xml", make_xml(f"FV/C/B{n}")) for n in range(12)])
        reference = c.send_online([("z.xml", make_xml("FV/C/Z"))]).session_reference
        limit = {"groups": {"session_status": [{"limit": 1, "window_seconds": 3600}]}}
        httpx.put(f"{env.url}/_sandbox/limits", json=limit)
        c.reader.session_status(reference)
        with pytest.raises(KsefRateLimited):
            c.reader.session_status(reference)
    return recorder


def test_sandbox_responses_and_client_requests_match_the_official_spec(spec, recorded):
    checked: set[tuple[str, str, int]] = set()
    problems: list[str] = []
    for method, path, request_body, response in recorded.seen:
        op = best_operation(spec, method, path)
        if op is None:
            assert path.startswith("/upload/"), f"{method} {path} is not in the spec"
            continue
        if request_body is not None:
            schema = op["requestBody"]["content"][JSON]["schema"]
            problems += [
                f"request {method} {path}: {p}" for p in validate(spec, schema, request_body)
            ]
        answer = op["responses"].get(str(response.status_code))
        assert answer is not None, (
            f"{method} {op['template']} answered undocumented {response.status_code}"
        )
        checked.add((method, op["template"], response.status_code))
        content = answer.get("content", {})
        if JSON in content and response.headers.get("content-type", "").startswith(JSON):
            body = response.json()
            problems += [
                f"{method} {path} {response.status_code}: {p}"
                for p in validate(spec, content[JSON]["schema"], body)
            ]
        elif content:
            assert "application/xml" in content
            assert response.headers["content-type"].startswith("application/xml")
    assert problems == []
    templates = {t for _, t, _ in checked}
    assert {
        "/security/public-key-certificates", "/auth/challenge", "/auth/ksef-token",
        "/auth/{referenceNumber}", "/auth/token/redeem", "/sessions/online",
        "/sessions/online/{referenceNumber}/invoices", "/sessions/online/{referenceNumber}/close",
        "/sessions/{referenceNumber}", "/sessions/{referenceNumber}/invoices",
        "/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}",
        "/sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo", "/sessions/batch",
        "/sessions/batch/{referenceNumber}/close",
        "/sessions/{referenceNumber}/upo/{upoReferenceNumber}",
    } <= templates  # fmt: skip
    assert any(status == 429 for _, _, status in checked)


def test_error_bodies_match_the_spec(spec, env):
    bad = httpx.post(f"{env.url}/auth/ksef-token", content=b"{}", headers={"content-type": JSON})
    assert bad.status_code == 400
    schema = spec["paths"]["/auth/ksef-token"]["post"]["responses"]["400"]["content"][JSON][
        "schema"
    ]
    assert validate(spec, schema, bad.json()) == []
    unauthorised = httpx.get(f"{env.url}/sessions/20250101-SO-0000000000-0000000000-00")
    assert unauthorised.status_code == 401
