"""Notification settings from the ``[notify]`` table and the environment (secrets).

```toml
[notify]
sms_per_hour = 5                 # SMS cap per rolling hour (the rest goes out as a digest)
quiet_hours = "22:00-07:00"      # SMS silent except for critical incidents
timezone = "Europe/Warsaw"
repeat_every_minutes = 60        # "still happening" e-mail while an incident's count grows
escalate_after_minutes = 10      # error → SMS if still not acknowledged

[notify.sms]                     # token: OMNISTOCK_SMSAPI_TOKEN
recipients = ["48600100200"]
sender_name = "Sklep"            # a verified SMSAPI sender name (optional)
base_url = "https://api.smsapi.pl"

[notify.email]                   # password: OMNISTOCK_SMTP_PASSWORD
host = "smtp.example.pl"
port = 587
security = "starttls"            # plain | starttls | ssl
username = "alerts@example.pl"
sender = "alerts@example.pl"
recipients = ["owner@example.pl"]

[notify.webhook]                 # secret: OMNISTOCK_WEBHOOK_SECRET
url = "https://hooks.slack.com/services/…"
```
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from omnistock.config import ConfigError
from omnistock.domain.incidents import NotificationPolicy, QuietHours, Severity, Via
from omnistock.notify.result import Sender
from omnistock.notify.sms import DEFAULT_URL, SmsapiSender, SmsapiSettings
from omnistock.notify.smtp import SmtpSecurity, SmtpSender, SmtpSettings
from omnistock.notify.webhook import WebhookSender, WebhookSettings

__all__ = ["ENV_SECRETS", "NotifyConfig", "build_senders"]

ENV_SECRETS = {
    "sms": "OMNISTOCK_SMSAPI_TOKEN",
    "email": "OMNISTOCK_SMTP_PASSWORD",
    "webhook": "OMNISTOCK_WEBHOOK_SECRET",
}
_PHONE = re.compile(r"^\+?\d{9,15}$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyConfig:
    """Configured senders (``None``: not configured) and the policy built from the table."""

    sms: SmsapiSettings | None = None
    email: SmtpSettings | None = None
    webhook: WebhookSettings | None = None
    policy: NotificationPolicy = dataclasses.field(default_factory=NotificationPolicy)

    @classmethod
    def from_section(cls, section: Mapping[str, Any], environ: Mapping[str, str]) -> NotifyConfig:
        """Validate ``[notify]``; every error names its key (``notify.sms.recipients``)."""
        sms = _sms(section.get("sms"), environ)
        email = _email(section.get("email"), environ)
        webhook = _webhook(section.get("webhook"), environ)
        enabled = {v for v, s in ((Via.SMS, sms), (Via.EMAIL, email), (Via.WEBHOOK, webhook)) if s}
        policy = _policy(section, frozenset(enabled))
        return cls(sms=sms, email=email, webhook=webhook, policy=policy)


def build_senders(config: NotifyConfig) -> dict[Via, Sender]:
    """One sender per configured transport."""
    senders: dict[Via, Sender] = {}
    if config.sms:
        senders[Via.SMS] = SmsapiSender(config.sms)
    if config.email:
        senders[Via.EMAIL] = SmtpSender(config.email)
    if config.webhook:
        senders[Via.WEBHOOK] = WebhookSender(config.webhook)
    return senders


def _table(value: Any, name: str) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError("must be a table", field=f"notify.{name}")
    return value


def _text(table: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("must be a non-empty string", field=f"notify.{where}.{key}")
    return value


def _list(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError("must be a non-empty list of strings", field=f"notify.{where}.{key}")
    return tuple(value)


def _secret(table: Mapping[str, Any], key: str, where: str, environ: Mapping[str, str]) -> str:
    value = environ.get(ENV_SECRETS[where]) or table.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"missing; set {ENV_SECRETS[where]}", field=f"notify.{where}.{key}")
    return value


def _sms(value: Any, environ: Mapping[str, str]) -> SmsapiSettings | None:
    table = _table(value, "sms")
    if table is None:
        return None
    recipients = _list(table, "recipients", "sms")
    bad = [r for r in recipients if not _PHONE.match(r.replace(" ", ""))]
    if bad:
        raise ConfigError(f"invalid phone numbers: {bad}", field="notify.sms.recipients")
    name = table.get("sender_name")
    return SmsapiSettings(
        token=_secret(table, "token", "sms", environ),
        recipients=tuple(r.replace(" ", "").lstrip("+") for r in recipients),
        sender_name=name if isinstance(name, str) and name else None,
        base_url=_text(table, "base_url", "sms", DEFAULT_URL),
        test=bool(table.get("test", False)),
    )


def _email(value: Any, environ: Mapping[str, str]) -> SmtpSettings | None:
    table = _table(value, "email")
    if table is None:
        return None
    try:
        security = SmtpSecurity(table.get("security", "starttls"))
    except ValueError:
        raise ConfigError("must be plain, starttls or ssl", field="notify.email.security") from None
    port = table.get("port", 465 if security is SmtpSecurity.SSL else 587)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError("must be a port number", field="notify.email.port")
    username = table.get("username")
    return SmtpSettings(
        host=_text(table, "host", "email"),
        port=port,
        security=security,
        sender=_text(table, "sender", "email"),
        recipients=_list(table, "recipients", "email"),
        username=username if isinstance(username, str) and username else None,
        password=_secret(table, "password", "email", environ) if username else None,
    )


def _webhook(value: Any, environ: Mapping[str, str]) -> WebhookSettings | None:
    table = _table(value, "webhook")
    if table is None:
        return None
    url = _text(table, "url", "webhook")
    if not url.startswith(("https://", "http://")):
        raise ConfigError("must be an http(s) URL", field="notify.webhook.url")
    return WebhookSettings(url=url, secret=_secret(table, "secret", "webhook", environ))


def _policy(section: Mapping[str, Any], enabled: frozenset[Via]) -> NotificationPolicy:
    defaults = NotificationPolicy()
    escalate = _minutes(section, "escalate_after_minutes", 10)
    rules = {s: dataclasses.replace(r, escalate_after=escalate) for s, r in defaults.rules.items()}
    cap = section.get("sms_per_hour", defaults.sms_per_hour)
    if not isinstance(cap, int) or isinstance(cap, bool) or cap < 1:
        raise ConfigError("must be a whole number ≥ 1", field="notify.sms_per_hour")
    return NotificationPolicy(
        rules={Severity(s): r for s, r in rules.items()},
        quiet_hours=_quiet(section),
        sms_per_hour=cap,
        repeat_every=_minutes(section, "repeat_every_minutes", 60),
        enabled=enabled,
    )


def _minutes(section: Mapping[str, Any], key: str, default: int) -> timedelta:
    value = section.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ConfigError("must be a positive number of minutes", field=f"notify.{key}")
    return timedelta(minutes=value)


def _quiet(section: Mapping[str, Any]) -> QuietHours | None:
    value = section.get("quiet_hours")
    if value is None:
        return None
    match = _HOURS.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError("must look like 22:00-07:00", field="notify.quiet_hours")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
        tz = ZoneInfo(str(section.get("timezone", "Europe/Warsaw")))
    except ValueError as exc:
        raise ConfigError(str(exc), field="notify.quiet_hours") from None
    except ZoneInfoNotFoundError:
        raise ConfigError("unknown time zone", field="notify.timezone") from None
    return QuietHours(start=start, end=end, tz=tz)
