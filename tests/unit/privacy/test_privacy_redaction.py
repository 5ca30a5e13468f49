"""Known personal values and personal-data patterns never reach a log handler's output."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator

import pytest

from omnistock.privacy.redaction import (
    MASK,
    KnownValues,
    RedactionFilter,
    install_redaction,
    redact,
)

NAME, STREET, CITY = "Grzegorz Brzęczyszczykiewicz", "ul. Chrząszczyżewoszycka 7", "Łękołody"
EMAIL, PHONE, NIP = "grzegorz.b@example.pl", "+48 601 202 303", "526-104-08-28"
IBAN = "PL61 1090 1014 0000 0712 1981 2874"
SECRETS = (NAME, STREET, CITY, EMAIL, PHONE, NIP, IBAN)


def leaks(text: str) -> list[str]:
    found = [s for s in SECRETS if s.lower() in text.lower()]
    bare = ("601202303", "5261040828", "brzęczyszczykiewicz", "chrząszczyżewoszycka")
    return found + [s for s in bare if s in text.lower().replace(" ", "").replace("-", "")]


@pytest.fixture
def known() -> KnownValues:
    registry = KnownValues()
    registry.add(NAME, STREET, CITY)
    return registry


@pytest.fixture(params=["%", "{", "$"])
def captured(
    request: pytest.FixtureRequest, known: KnownValues
) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    formats = {
        "%": "%(levelname)s %(message)s buyer=%(buyer)s",
        "{": "{levelname} {message} buyer={buyer}",
        "$": "$levelname $message buyer=$buyer",
    }
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        logging.Formatter(formats[request.param], style=request.param, defaults={"buyer": "-"})
    )
    logger = logging.getLogger(f"privacy.test.{request.param}")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.DEBUG)
    install_redaction(logger, known=known)
    yield logger, stream
    logger.handlers = []


@pytest.mark.parametrize(
    "level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL]
)
def test_no_personal_value_reaches_the_output_at_any_level(
    captured: tuple[logging.Logger, io.StringIO], level: int
) -> None:
    logger, stream = captured
    logger.log(level, "order o-1 for %s at %s, %s", NAME, STREET, CITY)  # %-args
    logger.log(
        level, "contact %(email)s / %(phone)s", {"email": EMAIL, "phone": PHONE}
    )  # mapping args
    logger.log(level, f"invoice NIP {NIP}, account {IBAN}")  # f-string, patterns only
    logger.log(level, "buyer {} {}".format(NAME.upper(), EMAIL.upper()))  # noqa: UP032 - str.format, other case
    logger.log(
        level, "payload %r", {"street": "Długa 1", "city": CITY, "name": NAME}
    )  # repr of dict
    logger.log(level, "extra", extra={"buyer": {"name": NAME, "phone": [PHONE]}})  # extra fields
    text = stream.getvalue()
    assert leaks(text) == []
    assert "Długa 1" not in text
    assert text.count("order o-1") == 1  # ids are kept: logs stay useful
    assert MASK in text


def test_exceptions_and_stacks_are_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError(f"bad address for {NAME}: {STREET} ({EMAIL})")
    except ValueError:
        logger.exception("import failed for %s", PHONE)
    logger.warning("where", stack_info=True, extra={"buyer": NIP})
    text = stream.getvalue()
    assert "ValueError: bad address for" in text
    assert leaks(text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("mail JAN.Kowalski+sklep@poczta.onet.pl now", "mail  now"),  # e-mail
        ("tel 600100200, tel. 600-100-200, +48600100200, 0048 600 100 200", "tel , tel. , , "),
        ("stacjonarny 22 123 45 67", "stacjonarny "),  # landline format
        ("NIP PL5261040828 and 526-10-40-828", "NIP  and "),  # valid checksum
        ("konto 61109010140000071219812874", "konto "),  # NRB without spaces
        ("offer 12345678901 qty 5 sku ABC-1", None),  # 11-digit offer id, not a phone
        ("NIP-like 1234567890", None),  # bad checksum: not a NIP, left alone
        (
            '{"street": "Polna 3", "postCode": "00-950", "first_name": "Ala"}',
            '{"street": , "postCode": , "first_name": }',
        ),
        ("addressLine1=Polna 3; city=Gdańsk", "addressLine1=; city="),
    ],
)
def test_patterns(text: str, kept: str | None) -> None:
    masked = redact(text, KnownValues())
    assert masked.replace(MASK, "") == (text if kept is None else kept)


def test_known_values_are_scoped_and_bounded() -> None:
    registry = KnownValues(max_size=3)
    with registry.scope("Kowalski", "ab"):  # "ab" is too short to register
        assert redact("pan Kowalski", registry) == f"pan {MASK}"
        assert len(registry) == 1
    assert redact("pan Kowalski", registry) == "pan Kowalski"
    registry.add("aaa1", "aaa2", "aaa3", "aaa4")
    assert len(registry) == 3
    assert redact("aaa1 aaa4", registry) == f"aaa1 {MASK}"  # oldest went first


def test_registry_is_safe_under_concurrent_use() -> None:
    registry = KnownValues(max_size=500)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(200):
                value = f"person-{n}-{i}"
                with registry.scope(value):
                    assert redact(f"x {value} y", registry) == f"x {MASK} y"
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(registry) == 0


def test_install_is_idempotent_and_covers_root_handlers(known: KnownValues) -> None:
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    try:
        install_redaction(known=known)
        install_redaction(known=known)
        assert sum(isinstance(f, RedactionFilter) for f in handler.filters) == 1
        logging.getLogger("omnistock.any.module").warning("buyer %s", NAME)
    finally:
        root.removeHandler(handler)
    assert stream.getvalue() == f"buyer {MASK}\n"


def test_a_failure_while_masking_withholds_the_message(known: KnownValues) -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError(NAME)

    record = logging.makeLogRecord({"msg": "x %s", "args": (Broken(),)})
    assert RedactionFilter(known).filter(record)
    assert record.getMessage() == "[log message withheld: redaction failed]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # a query string: percent-encoded e-mail and phone, keyed values stop at "&"
        ("GET /x?email=jan%40example.pl&phone=%2B48600700800&page=2",
         "GET /x?email=[redacted]&phone=[redacted]&page=2"),
        ("GET /x?q=JAN%40EXAMPLE.PL", "GET /x?q=[redacted]"),
        ("tel 48600700800 nip=5261040828", "tel [redacted] nip=[redacted]"),  # bare 48 prefix
        ("50% off, 100%", "50% off, 100%"),  # nothing personal: left as written
    ],
)  # fmt: skip
def test_urls_and_keyed_contacts_are_masked_and_masking_twice_changes_nothing(
    text: str, masked: str
) -> None:
    assert redact(text, KnownValues()) == masked
    assert redact(masked, KnownValues()) == masked  # a second filter (logger + handler) is a no-op
