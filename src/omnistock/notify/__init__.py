"""Notification senders (SMS via SMSAPI.pl, e-mail via SMTP, signed webhooks) and the notifier.

Synchronous, like the rest of the worker's I/O. Senders never raise: every outcome is a
:class:`DeliveryResult`. Planning what to send is pure (``omnistock.domain.incidents``).
"""

from omnistock.notify.config import ENV_SECRETS, NotifyConfig, build_senders
from omnistock.notify.cycle import CycleResult, notify_once, probe_notification
from omnistock.notify.memory import InMemorySender
from omnistock.notify.notifier import DeliveryRecord, Notifier, SendRetry
from omnistock.notify.result import DeliveryResult, DeliveryStatus, Sender
from omnistock.notify.sms import SmsapiSender, SmsapiSettings, classify_smsapi
from omnistock.notify.smtp import SmtpSecurity, SmtpSender, SmtpSettings, build_message
from omnistock.notify.webhook import (
    SIGNATURE_HEADER,
    WebhookSender,
    WebhookSettings,
    sign,
    verify_signature,
)

__all__ = [
    "ENV_SECRETS",
    "SIGNATURE_HEADER",
    "CycleResult",
    "DeliveryRecord",
    "DeliveryResult",
    "DeliveryStatus",
    "InMemorySender",
    "Notifier",
    "NotifyConfig",
    "SendRetry",
    "Sender",
    "SmsapiSender",
    "SmsapiSettings",
    "SmtpSecurity",
    "SmtpSender",
    "SmtpSettings",
    "WebhookSender",
    "WebhookSettings",
    "build_message",
    "build_senders",
    "classify_smsapi",
    "notify_once",
    "probe_notification",
    "sign",
    "verify_signature",
]
