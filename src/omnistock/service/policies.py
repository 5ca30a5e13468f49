"""Use cases of allocation policies: set one (global, per product group, per SKU), list them."""

from __future__ import annotations

from datetime import datetime

from omnistock.domain.errors import InvalidValue, UnknownChannel, UnknownSku
from omnistock.domain.ids import Sku
from omnistock.domain.policy import Policy, PolicyRule, PolicyScope
from omnistock.service.allocation import moment, recompute_in
from omnistock.service.ports import UnitOfWork

__all__ = ["get_policies", "set_policy"]


def set_policy(
    uow: UnitOfWork,
    scope: PolicyScope,
    key: str,
    policy: Policy,
    *,
    now: datetime | None = None,
) -> int:
    """Store the policy of a scope and recompute the SKUs it governs; returns listings changed.

    ``key`` is ``""`` for the global policy, a group name, or an existing SKU. Shares and caps
    may only name existing channels. ``now`` stamps the recomputed listings; pass the app
    clock's time (without it the system clock is read).
    """
    with uow:
        _check(uow, scope, key, policy)
        uow.policies.set(PolicyRule(scope=scope, key=key, policy=policy))
        changed = recompute_in(uow, _governed(uow, scope, key), now=moment(now))
        uow.commit()
    return changed


def get_policies(uow: UnitOfWork) -> list[PolicyRule]:
    """Every stored policy, most general first."""
    with uow:
        return uow.policies.list()


def _check(uow: UnitOfWork, scope: PolicyScope, key: str, policy: Policy) -> None:
    if scope is PolicyScope.GLOBAL and key:
        raise InvalidValue("the global policy has no key", field="key")
    if scope is PolicyScope.GROUP and not key.strip():
        raise InvalidValue("a group policy needs the group name", field="group")
    if scope is PolicyScope.SKU and not uow.products.known([Sku(key)]):
        raise UnknownSku(f"no product {key!r}", field="sku")
    known = {c.name for c in uow.channels.list()}
    for field, named in (("share", policy.shares), ("max_listed", policy.max_listed)):
        unknown = sorted(set(named) - known)
        if unknown:
            raise UnknownChannel(f"no channel account {', '.join(unknown)}", field=field)


def _governed(uow: UnitOfWork, scope: PolicyScope, key: str) -> list[Sku] | None:
    if scope is PolicyScope.SKU:
        return [Sku(key)]
    if scope is PolicyScope.GROUP:
        return [sku for sku, group in uow.products.groups(None).items() if group == key]
    return None
