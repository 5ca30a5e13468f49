"""E-mail through SMTP (``smtplib``): plain, STARTTLS (587) or implicit TLS (465), with login.

SMTP replies 4xx are transient (retry), 5xx permanent (RFC 5321 §4.2.1); refused recipients
are reported in :attr:`DeliveryResult.rejected`. Each message carries a stable ``Message-ID``
derived from the notification key, so repeated sends of one alert can be recognised.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum

from omnistock.domain.incidents import Notification, Via
from omnistock.notify.result import DeliveryResult, DeliveryStatus

__all__ = ["SmtpSecurity", "SmtpSender", "SmtpSettings", "build_message"]


class SmtpSecurity(StrEnum):
    PLAIN = "plain"
    STARTTLS = "starttls"
    SSL = "ssl"


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    """Server, security, optional login, sender and recipients."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: str | None = None
    timeout_s: float = 10.0
    ssl_context: ssl.SSLContext | None = None


def build_message(notification: Notification, settings: SmtpSettings) -> EmailMessage:
    """A UTF-8 message with a stable Message-ID and the incident ids in a header."""
    message = EmailMessage()
    message["Subject"] = notification.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@omnistock>"
    message["X-Omnistock-Severity"] = notification.severity
    message["X-Omnistock-Kind"] = notification.kind
    message.set_content(notification.text)
    return message


class SmtpSender:
    """Opens one SMTP session per message (alerts are rare; no idle connection to lose)."""

    via = Via.EMAIL

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, notification: Notification) -> DeliveryResult:
        try:
            refused = self._deliver(build_message(notification, self.settings))
        except smtplib.SMTPRecipientsRefused as exc:
            return _refused(exc)
        except smtplib.SMTPResponseException as exc:
            return _reply(exc.smtp_code, exc.smtp_error)
        except ssl.SSLError as exc:  # a certificate or TLS setup problem: retrying won't fix it
            return DeliveryResult(via=Via.EMAIL, status=DeliveryStatus.FAILED, detail=f"TLS: {exc}")
        except (smtplib.SMTPException, OSError) as exc:
            return DeliveryResult(
                via=Via.EMAIL,
                status=DeliveryStatus.RETRYABLE,
                detail=f"{type(exc).__name__}: {exc}",
            )
        if refused:
            detail = f"sent; refused: {', '.join(refused)}"
            return DeliveryResult(
                via=Via.EMAIL, status=DeliveryStatus.SENT, detail=detail, rejected=tuple(refused)
            )
        return DeliveryResult(via=Via.EMAIL, status=DeliveryStatus.SENT, detail="sent")

    def _deliver(self, message: EmailMessage) -> list[str]:
        s = self.settings
        context = s.ssl_context or ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security is SmtpSecurity.SSL:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        with smtp:
            if s.security is SmtpSecurity.STARTTLS:
                smtp.starttls(context=context)
            if s.username:
                smtp.login(s.username, s.password or "")
            return list(smtp.send_message(message).keys())


def _reply(code: int, error: bytes | str) -> DeliveryResult:
    text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
    status = DeliveryStatus.RETRYABLE if 400 <= code < 500 else DeliveryStatus.FAILED
    return DeliveryResult(
        via=Via.EMAIL, status=status, detail=f"SMTP {code} {text}", code=str(code)
    )


def _refused(exc: smtplib.SMTPRecipientsRefused) -> DeliveryResult:
    """Every recipient refused: transient only if every refusal was a 4xx."""
    codes = [code for code, _ in exc.recipients.values()]
    transient = bool(codes) and all(400 <= code < 500 for code in codes)
    listed = ", ".join(f"{rcpt} {code}" for rcpt, (code, _) in exc.recipients.items())
    return DeliveryResult(
        via=Via.EMAIL,
        status=DeliveryStatus.RETRYABLE if transient else DeliveryStatus.FAILED,
        detail=f"all recipients refused: {listed}",
        code=str(codes[0]) if codes else None,
        rejected=tuple(exc.recipients),
    )
