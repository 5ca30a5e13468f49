"""Online sessions against the KSeF sandbox: numbers, UPO, rejections and duplicates."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from lxml import etree

from omnistock.domain.invoicing.ksef_number import parse_ksef_number
from omnistock.invoicing.ksef import (
    InvoiceDuplicate,
    InvoiceFileInvalid,
    InvoiceSemanticInvalid,
)
from omnistock.invoicing.ksef.crypto import sha256_b64

UPO_NS = "{http://upo.schematy.mf.gov.pl/KSeF/v4-3}"


def admin_invoices(env) -> list[dict]:
    return httpx.get(f"{env.url}/_sandbox/invoices").json()


def test_sends_an_invoice_and_gets_a_ksef_number_with_valid_crc_and_its_upo(env, make_xml):
    xml = make_xml("FV/2026/11/0001")
    accepted = env.client().submit(xml)
    assert parse_ksef_number(accepted.ksef_number) == accepted.ksef_number  # format + CRC-8
    today = datetime.now(UTC).strftime("%Y%m%d")
    assert accepted.ksef_number.startswith(f"5261040828-{today}-")
    assert accepted.invoice_number == "FV/2026/11/0001"
    assert accepted.invoice_hash == sha256_b64(xml)
    assert not accepted.already_submitted
    upo = etree.fromstring(accepted.upo)
    assert upo.findtext(f"{UPO_NS}Dokument/{UPO_NS}NumerKSeFDokumentu") == accepted.ksef_number
    assert upo.findtext(f"{UPO_NS}Dokument/{UPO_NS}SkrotDokumentu") == sha256_b64(xml)
    stored = httpx.get(f"{env.url}/_sandbox/invoices/{accepted.ksef_number}/xml").content
    assert stored == xml  # the sandbox decrypted exactly our bytes


def test_invoice_breaking_the_xsd_is_rejected_450_naming_the_element(env, make_xml):
    xml = make_xml("FV/2026/11/0002").replace(b"<JST>2</JST>", b"")
    with pytest.raises(InvoiceSemanticInvalid) as caught:
        env.client().submit(xml)
    assert caught.value.code == 450
    assert caught.value.number == "FV/2026/11/0002"
    assert any("Podmiot2" in d for d in caught.value.details)
    assert "450 the invoice is not valid FA(3)" in str(caught.value)
    assert [i["code"] for i in admin_invoices(env)] == [450]


@pytest.mark.parametrize(
    ("mangle", "detail"),
    [
        (lambda x: b"\xef\xbb\xbf" + x, "BOM"),  # KSeF requires UTF-8 without BOM
        (lambda x: x.replace(b"</Faktura>", b""), "well-formed"),  # truncated document
    ],
)
def test_malformed_file_is_rejected_430(env, make_xml, mangle, detail):
    with pytest.raises(InvoiceFileInvalid, match="430") as caught:
        env.client().submit(mangle(make_xml("FV/2026/11/0003")))
    assert detail in " ".join(caught.value.details)


def test_resend_after_a_crash_resolves_to_the_same_ksef_number(env, make_xml):
    xml = make_xml("FV/2026/11/0004")
    crashed = env.client()
    session = crashed.online_session()
    session.send(xml)  # sent, then the process dies before reading or recording the result
    retry = env.client().submit(xml)  # a new process resends the stored bytes
    assert retry.already_submitted
    first = [i for i in admin_invoices(env) if i["code"] == 200]
    assert len(first) == 1  # one invoice in KSeF
    assert retry.ksef_number == first[0]["ksef_number"]
    assert retry.session_reference == session.reference
    assert retry.upo is not None
    assert retry.ksef_number.encode() in retry.upo
    assert [i["code"] for i in admin_invoices(env)] == [200, 440]


def test_same_number_with_other_content_is_a_typed_duplicate(env, make_xml):
    original = env.client().submit(make_xml("FV/2026/11/0005", net="10.00"))
    with pytest.raises(InvoiceDuplicate) as caught:
        env.client().submit(make_xml("FV/2026/11/0005", net="11.00"))
    assert caught.value.original_ksef_number == original.ksef_number
    assert caught.value.code == 440
    assert "numbering conflict" in str(caught.value)


def test_several_invoices_in_one_online_session_report_each_outcome(env, make_xml):
    files = [
        ("a.xml", make_xml("FV/2026/11/0010")),
        ("b.xml", make_xml("FV/2026/11/0011").replace(b"<GV>2</GV>", b"")),
        ("c.xml", make_xml("FV/2026/11/0012")),
    ]
    report = env.client().send(files)
    assert [o.name for o in report.outcomes] == ["a.xml", "b.xml", "c.xml"]
    assert [o.accepted is not None for o in report.outcomes] == [True, False, True]
    assert isinstance(report.outcomes[1].error, InvoiceSemanticInvalid)
    assert len({a.session_reference for a in report.accepted}) == 1


def test_invoice_of_another_seller_is_refused_410(env, make_xml):
    xml = make_xml("FV/2026/11/0013").replace(b"<NIP>5261040828</NIP>", b"<NIP>1111111111</NIP>")
    report = env.client().send_online([("x.xml", xml)])
    assert report.outcomes[0].error is not None
    assert report.outcomes[0].error.code == 410


def test_invoice_still_processing_is_polled_until_its_number_arrives(env, make_xml):
    httpx.put(f"{env.url}/_sandbox/faults", json={"async_delay_seconds": 5})
    try:
        accepted = env.client(poll_interval=1.0).submit(make_xml("FV/2026/11/0500"))
    finally:
        httpx.put(f"{env.url}/_sandbox/faults", json={})
    assert parse_ksef_number(accepted.ksef_number)
    assert env.waits.count(1.0) >= 5  # status 150 seen while KSeF "processed" it


def test_invoice_issued_offline_is_sent_with_offline_mode(env, make_xml):
    client = env.client()
    accepted = client.submit(make_xml("FV/2026/11/0600"), offline_mode=True)
    status = client.reader.invoice_status(accepted.session_reference, accepted.invoice_reference)
    assert status["invoicingMode"] == "Offline"
    assert [i["offline"] for i in admin_invoices(env)] == [True]
