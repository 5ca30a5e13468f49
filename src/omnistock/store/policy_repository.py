"""Repository of allocation policies, stored as JSON per (scope, key)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from omnistock.domain.policy import Policy, PolicyRule, PolicyScope
from omnistock.store.rows import policy_to_json, rule_from_row
from omnistock.store.sql import upsert
from omnistock.store.tables import policies

__all__ = ["SqlPolicyRepository"]

_ORDER = {PolicyScope.GLOBAL: 0, PolicyScope.GROUP: 1, PolicyScope.SKU: 2}


class SqlPolicyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def set(self, rule: PolicyRule) -> None:
        row = {
            "scope": rule.scope.value,
            "key": rule.key,
            "body": policy_to_json(rule.policy),
        }
        upsert(self._conn, policies, [row], keys=["scope", "key"])

    def list(self) -> list[PolicyRule]:
        """Every rule, most general first (global, groups, SKUs), then by key."""
        rules = [rule_from_row(row) for row in self._conn.execute(select(policies))]
        return sorted(rules, key=lambda r: (_ORDER[r.scope], r.key))

    def rules(self) -> dict[tuple[PolicyScope, str], Policy]:
        return {(r.scope, r.key): r.policy for r in self.list()}
