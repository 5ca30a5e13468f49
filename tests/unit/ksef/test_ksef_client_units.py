"""Client pieces without a server: error mapping, Retry-After, crypto, ZIP parts, polling."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import padding as asym
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID

import omnistock.invoicing.ksef as ksef
from omnistock.domain.errors import InvalidValue
from omnistock.invoicing.ksef.batch import build_zip, split
from omnistock.invoicing.ksef.crypto import SessionKey, encrypt_token, public_key_id, sha256_b64
from omnistock.invoicing.ksef.errors import (
    InvoiceDecryptionFailed,
    InvoiceFileInvalid,
    InvoiceRejected,
    InvoiceSemanticInvalid,
    KsefAuthFailed,
    KsefError,
    KsefPending,
    KsefRateLimited,
    KsefRequestRejected,
    KsefUnavailable,
    rejection,
)
from omnistock.invoicing.ksef.http import KsefHttp, retry_after_seconds
from omnistock.invoicing.ksef.poll import Poller

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (430, InvoiceFileInvalid),  # size/hash/BOM/XML
        (435, InvoiceDecryptionFailed),  # AES
        (450, InvoiceSemanticInvalid),  # XSD / semantics
        (410, InvoiceRejected),  # permissions: generic rejection, code kept
        (550, InvoiceRejected),  # cancelled by KSeF
    ],
)
def test_invoice_status_codes_map_to_typed_rejections(code, kind):
    error = rejection(code, "opis", ["szczegół"], number="FV/1", invoice_hash="h")
    assert type(error) is kind
    assert error.code == code
    assert "FV/1" in str(error)
    assert "szczegół" in str(error)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("30", 30.0),  # delta-seconds
        ("Fri, 27 Nov 2026 12:01:00 GMT", 60.0),  # HTTP date
        ("Fri, 27 Nov 2026 11:59:00 GMT", 0.0),  # already past
        ("soon", None),  # garbage
        (None, None),  # absent
    ],
)
def test_retry_after_header(header, seconds):
    assert retry_after_seconds(header, NOW) == seconds


def _http(handler, waits: list[float], **kw) -> KsefHttp:
    return KsefHttp(
        "https://ksef.test/v2", sleep=waits.append, transport=httpx.MockTransport(handler), **kw
    )


def test_429_is_waited_out_then_retried():
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json={})]
    )
    waits: list[float] = []
    assert _http(lambda r: next(answers), waits).call("GET", "/x").status_code == 200
    assert waits == [2.0]


def test_429_with_a_long_retry_after_is_raised_with_the_delay():
    waits: list[float] = []
    http = _http(lambda r: httpx.Response(429, headers={"Retry-After": "600"}), waits, max_wait=60)
    with pytest.raises(KsefRateLimited) as caught:
        http.call("GET", "/x")
    assert caught.value.retry_after == 600
    assert waits == []


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (503, {}, KsefUnavailable),  # outage → offline mode
        (500, {}, KsefUnavailable),
        (401, {"title": "Unauthorized"}, KsefAuthFailed),
        (403, {}, KsefAuthFailed),
        (404, {}, KsefError),
    ],
)
def test_error_statuses_map_to_the_error_tree(status, body, kind):
    http = _http(lambda r: httpx.Response(status, json=body), [])
    with pytest.raises(kind):
        http.call("GET", "/x")


def test_400_carries_ksef_exception_codes_and_text():
    detail = {
        "exceptionCode": 21405,
        "exceptionDescription": "Błąd walidacji",
        "details": ["pole x"],
    }
    body = {"exception": {"exceptionDetailList": [detail]}}
    http = _http(lambda r: httpx.Response(400, json=body), [])
    with pytest.raises(KsefRequestRejected, match="Błąd walidacji pole x") as caught:
        http.call("POST", "/x", json={})
    assert caught.value.codes == (21405,)


def test_transport_errors_are_unavailable():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(KsefUnavailable, match="unreachable"):
        _http(refuse, []).call("GET", "/x")


def test_every_error_is_a_ksef_error():
    for name in ksef.__all__:
        value = getattr(ksef, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, KsefError)
    assert issubclass(KsefPending, ksef.KsefRetryable)
    assert sorted(ksef.__all__) == ksef.__all__


def _certificate() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, cert


def test_session_key_and_token_encryption_round_trip():
    private, cert = _certificate()
    oaep = asym.OAEP(mgf=asym.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    key = SessionKey.generate()
    info = key.encryption_info(cert)
    assert private.decrypt(base64.b64decode(info["encryptedSymmetricKey"]), oaep) == key.key
    assert base64.b64decode(info["initializationVector"]) == key.iv
    assert info["publicKeyId"] == public_key_id(cert)
    token = private.decrypt(base64.b64decode(encrypt_token(cert, "tok", 1764244800123)), oaep)
    assert token == b"tok|1764244800123"
    data = "Zażółć gęślą jaźń".encode() * 7
    decryptor = Cipher(algorithms.AES(key.key), modes.CBC(key.iv)).decryptor()
    padded = decryptor.update(key.encrypt(data)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    assert unpadder.update(padded) + unpadder.finalize() == data


def test_sha256_is_base64_of_44_characters():
    assert sha256_b64(b"") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def test_zip_split_in_parts_joins_back():
    files = [(f"{n}.xml", f"<x>{n}</x>".encode() * 50) for n in range(30)]
    archive = build_zip(files)
    parts = split(archive, 500)
    assert all(len(p) <= 500 for p in parts)
    assert len(parts) > 1
    with zipfile.ZipFile(io.BytesIO(b"".join(parts))) as joined:
        assert [(n, joined.read(n)) for n in joined.namelist()] == files


def test_poller_gives_up_with_pending_and_the_reference():
    clock = [0.0]
    poller = Poller(interval=1.0, timeout=3.0, sleep=lambda s: clock.__setitem__(0, clock[0] + s),
                    monotonic=lambda: clock[0])  # fmt: skip
    with pytest.raises(KsefPending) as caught:
        poller.until(lambda: None, what="invoice", reference="REF")
    assert caught.value.reference == "REF"
    answers = iter([None, None, "done"])
    assert poller.until(lambda: next(answers), what="x", reference="y") == "done"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"base_url": "ftp://x"}, "ksef.base_url"),
        ({"nip": "123"}, "ksef.nip"),
        ({"token": ""}, "ksef.token"),
        ({"page_size": 5}, "ksef.limits"),
    ],
)
def test_settings_refuse_bad_values(values, field):
    good = {"base_url": "https://api-test.ksef.mf.gov.pl/v2", "nip": "5261040828", "token": "t"}
    with pytest.raises(InvalidValue) as caught:
        ksef.KsefSettings(**{**good, **values})
    assert caught.value.field == field


def test_settings_from_environment():
    assert ksef.KsefSettings.from_env({}) is None
    settings = ksef.KsefSettings.from_env(
        {"OMNISTOCK_KSEF_NIP": "5261040828", "OMNISTOCK_KSEF_TOKEN": "t"}
    )
    assert settings is not None
    assert settings.base_url == "https://api-test.ksef.mf.gov.pl/v2"


def test_sending_nothing_opens_no_session():
    def no_calls(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected {request.method} {request.url}")

    settings = ksef.KsefSettings(base_url="https://ksef.test/v2", nip="5261040828", token="t")
    with ksef.KsefClient(settings, transport=httpx.MockTransport(no_calls)) as client:
        assert client.send([]).outcomes == ()
