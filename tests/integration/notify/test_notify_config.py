"""``[notify]`` settings: senders, policy, secrets from the environment, errors naming the key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnistock.config import ConfigError
from omnistock.domain.incidents import Severity, Via
from omnistock.notify import NotifyConfig, SmtpSecurity, build_senders

ENV = {
    "OMNISTOCK_SMSAPI_TOKEN": "tok",
    "OMNISTOCK_SMTP_PASSWORD": "pw",
    "OMNISTOCK_WEBHOOK_SECRET": "sec",
}
FULL = {
    "sms_per_hour": 3,
    "quiet_hours": "22:00-07:00",
    "timezone": "Europe/Warsaw",
    "escalate_after_minutes": 5,
    "sms": {"recipients": ["+48 600 100 200"], "sender_name": "Sklep"},
    "email": {
        "host": "smtp.example.pl",
        "security": "ssl",
        "username": "a@example.pl",
        "sender": "a@example.pl",
        "recipients": ["owner@example.pl"],
    },
    "webhook": {"url": "https://hooks.example.com/x"},
}


def test_full_section() -> None:
    config = NotifyConfig.from_section(FULL, ENV)
    assert config.sms is not None
    assert config.sms.recipients == ("48600100200",)
    assert config.sms.token == "tok"
    assert config.email is not None
    assert (config.email.port, config.email.security) == (465, SmtpSecurity.SSL)
    assert config.email.password == "pw"
    assert config.webhook is not None
    assert config.webhook.secret == "sec"
    policy = config.policy
    assert policy.sms_per_hour == 3
    assert policy.rule(Severity.ERROR).escalate_after == timedelta(minutes=5)
    assert policy.quiet_hours is not None
    # 22:30 in Warsaw (winter, UTC+1) is 21:30 UTC
    assert policy.quiet_hours.active(datetime(2026, 11, 27, 21, 30, tzinfo=UTC))
    assert not policy.quiet_hours.active(datetime(2026, 11, 27, 20, 30, tzinfo=UTC))
    assert set(build_senders(config)) == {Via.SMS, Via.EMAIL, Via.WEBHOOK}


def test_only_configured_senders_are_enabled() -> None:
    config = NotifyConfig.from_section({"webhook": {"url": "https://h.example/x"}}, ENV)
    assert config.policy.enabled == {Via.WEBHOOK}
    assert NotifyConfig.from_section({}, {}).policy.enabled == frozenset()


@pytest.mark.parametrize(
    ("section", "env", "field"),
    [
        ({"sms": {"recipients": ["12ab"]}}, ENV, "notify.sms.recipients"),
        ({"sms": {"recipients": []}}, ENV, "notify.sms.recipients"),
        ({"sms": {"recipients": ["48600100200"]}}, {}, "notify.sms.token"),  # no token
        ({"email": {**FULL["email"], "security": "tls"}}, ENV, "notify.email.security"),
        ({"email": {**FULL["email"], "port": 0}}, ENV, "notify.email.port"),
        ({"webhook": {"url": "ftp://x"}}, ENV, "notify.webhook.url"),
        ({"webhook": "x"}, ENV, "notify.webhook"),
        ({"quiet_hours": "late"}, ENV, "notify.quiet_hours"),
        ({"quiet_hours": "25:00-07:00"}, ENV, "notify.quiet_hours"),
        ({"quiet_hours": "22:00-07:00", "timezone": "Mars/Base"}, ENV, "notify.timezone"),
        ({"sms_per_hour": 0}, ENV, "notify.sms_per_hour"),
        ({"repeat_every_minutes": -1}, ENV, "notify.repeat_every_minutes"),
    ],
)
def test_bad_settings_name_the_key(section, env, field) -> None:
    with pytest.raises(ConfigError) as info:
        NotifyConfig.from_section(section, env)
    assert info.value.field == field
