"""Batch sessions against the KSeF sandbox: ZIP in encrypted parts, per-invoice results, UPO."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree

from omnistock.domain.invoicing.ksef_number import parse_ksef_number
from omnistock.invoicing.ksef import InvoiceSemanticInvalid

UPO_NS = "{http://upo.schematy.mf.gov.pl/KSeF/v4-3}"


def test_batch_of_120_invoices_in_several_parts_gets_numbers_rejections_and_upo(env, make_xml):
    template = make_xml("FV/B/0000")
    files = [
        (f"FV-B-{n:04d}.xml", template.replace(b"FV/B/0000", f"FV/B/{n:04d}".encode()))
        for n in range(1, 121)
    ]
    files[6] = (files[6][0], files[6][1].replace(b"<JST>2</JST>", b""))  # two invalid ones
    files[99] = (files[99][0], files[99][1].replace(b"<GV>2</GV>", b""))
    client = env.client(part_size=20_000, online_max=20)
    report = client.send(files)  # > online_max → batch session
    assert report.session_reference.split("-")[1] == "SB"
    parts = [r for r in env.sandbox.requests.entries("/upload/")]
    assert len(parts) >= 2  # the ZIP really went in several encrypted parts
    assert [o.name for o in report.outcomes] == [name for name, _ in files]
    assert len(report.accepted) == 118
    assert [type(e) for e in report.rejected] == [InvoiceSemanticInvalid] * 2
    assert [e.number for e in report.rejected] == ["FV/B/0007", "FV/B/0100"]
    numbers = [a.ksef_number for a in report.accepted]
    assert len(set(numbers)) == 118
    assert all(parse_ksef_number(n) == n for n in numbers)
    (page,) = report.upo_pages
    listed = etree.fromstring(page).findall(f"{UPO_NS}Dokument/{UPO_NS}NumerKSeFDokumentu")
    assert sorted(e.text for e in listed) == sorted(numbers)
    received = httpx.get(f"{env.url}/_sandbox/invoices").json()
    assert len(received) == 120


def test_resending_a_batch_after_a_crash_resolves_every_invoice(env, make_xml):
    files = [(f"{n}.xml", make_xml(f"FV/R/{n:04d}")) for n in range(1, 26)]
    first = env.client(online_max=1).send(files)
    again = env.client(online_max=1).send(files)
    assert all(a.already_submitted for a in again.accepted)
    assert [a.ksef_number for a in again.accepted] == [a.ksef_number for a in first.accepted]
    received = httpx.get(f"{env.url}/_sandbox/invoices").json()
    assert sum(1 for r in received if r["code"] == 200) == 25


def test_batch_with_no_valid_invoice_ends_445_and_reports_every_rejection(env, make_xml):
    files = [(f"{n}.xml", make_xml(f"FV/X/{n}").replace(b"<JST>2</JST>", b"")) for n in range(1, 4)]
    report = env.client(online_max=1).send(files)
    assert report.accepted == ()
    assert [e.code for e in report.rejected] == [450, 450, 450]
    assert report.upo_pages == ()
    session = env.sandbox.sessions[report.session_reference]
    assert session.code == 445


def test_parts_encrypted_with_another_key_fail_the_session_with_a_typed_error(
    env, make_xml, monkeypatch
):
    from omnistock.invoicing.ksef import KsefSessionFailed
    from omnistock.invoicing.ksef import batch as batch_module
    from omnistock.invoicing.ksef.crypto import SessionKey

    class WrongKey(SessionKey):
        """Announces one key but encrypts with another (a client bug)."""

        def encrypt(self, data: bytes) -> bytes:
            return SessionKey(key=bytes(32), iv=self.iv).encrypt(data)

    real = SessionKey.generate()
    monkeypatch.setattr(
        batch_module.SessionKey, "generate", lambda: WrongKey(key=real.key, iv=real.iv)
    )
    files = [(f"{n}.xml", make_xml(f"FV/W/{n}")) for n in range(3)]
    with pytest.raises(KsefSessionFailed) as caught:
        env.client(online_max=1).send(files)
    assert caught.value.code in (435, 405)  # undecryptable part, or garbage that fails the hash
    assert caught.value.reference.split("-")[1] == "SB"
    assert httpx.get(f"{env.url}/_sandbox/invoices").json() == []
