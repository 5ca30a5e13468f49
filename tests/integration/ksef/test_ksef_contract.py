"""One contract for ``KsefClient`` (via the sandbox) and ``InMemoryKsef``: no drift."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from omnistock.domain.invoicing.ksef_number import parse_ksef_number
from omnistock.invoicing.ksef import (
    InMemoryKsef,
    InvoiceDuplicate,
    InvoiceFileInvalid,
    InvoiceSemanticInvalid,
    KsefUnavailable,
)


@dataclass
class Ksef:
    port: object
    outage: Callable[[bool], None]


@pytest.fixture(params=["sandbox", "memory"])
def ksef(request, env) -> Iterator[Ksef]:
    if request.param == "memory":
        fake = InMemoryKsef("5261040828", now=env.sandbox.clock.now)
        yield Ksef(fake, lambda on: setattr(fake, "unavailable", on))
        return

    def outage(on: bool) -> None:
        httpx.put(f"{env.url}/_sandbox/faults", json={"error_rate": 1.0} if on else {})

    yield Ksef(env.client(online_max=5), outage)
    outage(False)


def test_accepts_a_valid_invoice_with_a_checked_ksef_number_and_upo(ksef, make_xml):
    accepted = ksef.port.submit(make_xml("FV/K/1"))
    assert parse_ksef_number(accepted.ksef_number) == accepted.ksef_number
    assert accepted.ksef_number.startswith("5261040828-")
    assert accepted.invoice_number == "FV/K/1"
    assert accepted.ksef_number.encode() in accepted.upo
    assert not accepted.already_submitted


def test_schema_violation_is_450(ksef, make_xml):
    with pytest.raises(InvoiceSemanticInvalid) as caught:
        ksef.port.submit(make_xml("FV/K/2").replace(b"<GV>2</GV>", b""))
    assert caught.value.code == 450
    assert caught.value.number == "FV/K/2"


def test_bom_is_430(ksef, make_xml):
    with pytest.raises(InvoiceFileInvalid) as caught:
        ksef.port.submit(b"\xef\xbb\xbf" + make_xml("FV/K/3"))
    assert caught.value.code == 430


def test_resend_of_the_same_bytes_returns_the_first_number(ksef, make_xml):
    xml = make_xml("FV/K/4")
    first = ksef.port.submit(xml)
    again = ksef.port.submit(xml)
    assert again.already_submitted
    assert again.ksef_number == first.ksef_number


def test_same_number_other_content_is_a_duplicate(ksef, make_xml):
    first = ksef.port.submit(make_xml("FV/K/5", net="1.00"))
    with pytest.raises(InvoiceDuplicate) as caught:
        ksef.port.submit(make_xml("FV/K/5", net="2.00"))
    assert caught.value.original_ksef_number == first.ksef_number


def test_send_reports_each_outcome_in_input_order(ksef, make_xml):
    files = [(f"{n}.xml", make_xml(f"FV/K/S{n}")) for n in range(3)]
    files[1] = ("1.xml", files[1][1].replace(b"<JST>2</JST>", b""))
    report = ksef.port.send(files)
    assert [o.name for o in report.outcomes] == ["0.xml", "1.xml", "2.xml"]
    assert [o.error.code if o.error else 200 for o in report.outcomes] == [200, 450, 200]


def test_outage_is_unavailable(ksef, make_xml):
    ksef.outage(True)
    with pytest.raises(KsefUnavailable):
        ksef.port.submit(make_xml("FV/K/6"))
