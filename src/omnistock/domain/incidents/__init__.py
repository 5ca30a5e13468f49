"""Incidents and the notification plan: pure, de-duplicated, with the clock as an argument."""

from omnistock.domain.incidents.incident import (
    Incident,
    IncidentKind,
    IncidentState,
    Occurrence,
    Severity,
    acknowledge,
    dedup_key,
    record,
    record_many,
    resolve,
)
from omnistock.domain.incidents.notification import (
    Notification,
    NotificationKind,
    SentRecord,
    records_for,
)
from omnistock.domain.incidents.planning import plan_notifications
from omnistock.domain.incidents.policy import (
    NotificationPolicy,
    QuietHours,
    SeverityRule,
    Via,
    default_rules,
)

__all__ = [
    "Incident",
    "IncidentKind",
    "IncidentState",
    "Notification",
    "NotificationKind",
    "NotificationPolicy",
    "Occurrence",
    "QuietHours",
    "SentRecord",
    "Severity",
    "SeverityRule",
    "Via",
    "acknowledge",
    "dedup_key",
    "default_rules",
    "plan_notifications",
    "record",
    "record_many",
    "records_for",
    "resolve",
]
