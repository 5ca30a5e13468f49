"""E-mail sender through real aiosmtpd servers on loopback: plain, STARTTLS, SSL, auth, failures."""

from __future__ import annotations

import email
import email.policy

import pytest
from notify_support import AUTH_OPTIONS, PASSWORD, USER, free_port, make_notification

from omnistock.domain.incidents import Via
from omnistock.notify import DeliveryStatus, SmtpSecurity, SmtpSender, SmtpSettings


def settings(port: int, security=SmtpSecurity.PLAIN, **extra) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        security=security,
        sender="alerts@omnistock.example",
        recipients=("owner@shop.example",),
        timeout_s=5,
        **extra,
    )


def parsed(inbox):
    (envelope,) = inbox.messages
    return envelope, email.message_from_bytes(envelope.content, policy=email.policy.default)


def test_plain_smtp_delivers_utf8_message(smtp_server) -> None:
    inbox, port = smtp_server()
    text = "Wstrzymano zmiany: Zażółć gęślą jaźń"
    result = SmtpSender(settings(port)).send(make_notification(Via.EMAIL, text=text))
    assert result.status is DeliveryStatus.SENT
    envelope, message = parsed(inbox)
    assert envelope.rcpt_tos == ["owner@shop.example"]
    assert message["Subject"].startswith("[omnistock] CRITICAL")
    assert message.get_content().strip() == text
    assert message["Message-ID"].endswith("@omnistock>")
    assert message["X-Omnistock-Severity"] == "critical"


def test_starttls_with_login(smtp_server, certificate) -> None:
    inbox, port = smtp_server(
        tls_context=certificate.server_context(), require_starttls=True, **AUTH_OPTIONS
    )
    config = settings(
        port,
        SmtpSecurity.STARTTLS,
        username=USER,
        password=PASSWORD,
        ssl_context=certificate.client_context(),
    )
    assert SmtpSender(config).send(make_notification(Via.EMAIL)).status is DeliveryStatus.SENT
    assert len(inbox.messages) == 1


def test_implicit_tls(smtp_server, certificate) -> None:
    inbox, port = smtp_server(ssl_context=certificate.server_context())
    config = settings(port, SmtpSecurity.SSL, ssl_context=certificate.client_context())
    assert SmtpSender(config).send(make_notification(Via.EMAIL)).status is DeliveryStatus.SENT
    assert len(inbox.messages) == 1


def test_untrusted_certificate_is_reported(smtp_server, certificate) -> None:
    _, port = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    result = SmtpSender(settings(port, SmtpSecurity.STARTTLS)).send(make_notification(Via.EMAIL))
    assert result.status is DeliveryStatus.FAILED
    assert "certificate" in result.detail.lower()


def test_wrong_password_is_a_permanent_failure(smtp_server, certificate) -> None:
    inbox, port = smtp_server(
        tls_context=certificate.server_context(), require_starttls=True, **AUTH_OPTIONS
    )
    config = settings(
        port,
        SmtpSecurity.STARTTLS,
        username=USER,
        password="wrong",
        ssl_context=certificate.client_context(),
    )
    result = SmtpSender(config).send(make_notification(Via.EMAIL))
    assert (result.status, result.code) == (DeliveryStatus.FAILED, "535")
    assert inbox.messages == []


@pytest.mark.parametrize(
    ("rcpt", "data", "status", "code"),
    [
        ("550 5.1.1 No such user", None, DeliveryStatus.FAILED, "550"),  # permanent refusal
        ("450 4.2.1 Mailbox busy", None, DeliveryStatus.RETRYABLE, "450"),  # transient refusal
        (None, "451 4.3.0 Try again later", DeliveryStatus.RETRYABLE, "451"),  # 4xx on DATA
        (None, "554 5.6.0 Rejected", DeliveryStatus.FAILED, "554"),  # 5xx on DATA
    ],
)
def test_smtp_replies_are_classified(smtp_server, rcpt, data, status, code) -> None:
    inbox, port = smtp_server()
    inbox.rcpt_reply = lambda address: rcpt
    inbox.data_reply = data
    result = SmtpSender(settings(port)).send(make_notification(Via.EMAIL))
    assert (result.status, result.code) == (status, code)
    if rcpt:
        assert result.rejected == ("owner@shop.example",)


def test_one_refused_recipient_is_reported_while_others_get_it(smtp_server) -> None:
    inbox, port = smtp_server()
    inbox.rcpt_reply = lambda address: "550 No such user" if address.startswith("gone") else None
    config = SmtpSettings(
        host="127.0.0.1",
        port=port,
        security=SmtpSecurity.PLAIN,
        sender="alerts@omnistock.example",
        recipients=("owner@shop.example", "gone@shop.example"),
    )
    result = SmtpSender(config).send(make_notification(Via.EMAIL))
    assert result.status is DeliveryStatus.SENT
    assert result.rejected == ("gone@shop.example",)
    assert inbox.messages[0].rcpt_tos == ["owner@shop.example"]


def test_no_server_is_retryable() -> None:
    result = SmtpSender(settings(free_port())).send(make_notification(Via.EMAIL))
    assert result.status is DeliveryStatus.RETRYABLE
