"""Marketplace content rules: listing content, dated rule packs, compiled checks (pure)."""

from omnistock.domain.compliance.alerts import (
    RuleAlert,
    to_occurrence,
    upcoming_alerts,
    violation_alerts,
    violation_key,
)
from omnistock.domain.compliance.check import CompiledRule, Report, Violation, check, compile_packs
from omnistock.domain.compliance.content import (
    AfterSales,
    Gpsr,
    Image,
    ListingContent,
    Parameter,
    ShippingRates,
)
from omnistock.domain.compliance.daily import DailyResult, daily_run, known_keys
from omnistock.domain.compliance.gate import PushGate
from omnistock.domain.compliance.parse import PackError, parse_pack
from omnistock.domain.compliance.rules import (
    Check,
    CheckKind,
    Condition,
    ConditionOp,
    Lang,
    Rule,
    RulePack,
    RuleSeverity,
    Text,
)

__all__ = [
    "AfterSales",
    "Check",
    "CheckKind",
    "CompiledRule",
    "Condition",
    "ConditionOp",
    "DailyResult",
    "Gpsr",
    "Image",
    "Lang",
    "ListingContent",
    "PackError",
    "Parameter",
    "PushGate",
    "Report",
    "Rule",
    "RuleAlert",
    "RulePack",
    "RuleSeverity",
    "ShippingRates",
    "Text",
    "Violation",
    "check",
    "compile_packs",
    "daily_run",
    "known_keys",
    "parse_pack",
    "to_occurrence",
    "upcoming_alerts",
    "violation_alerts",
    "violation_key",
]
