"""``omnistock policy|allocation …``: allocation policies and the explanation of a SKU's numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from omnistock.domain.errors import InvalidValue
from omnistock.domain.ids import Sku
from omnistock.domain.policy import Policy, PolicyScope, Strategy, VelocityLimits
from omnistock.entrypoints.cli import render, values
from omnistock.entrypoints.cli.context import open_app
from omnistock.entrypoints.cli.explain_view import explanation_view
from omnistock.service import allocation, policies

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
NUMBERS = {"ignore_unknown_options": True}
policy_app = typer.Typer(
    help="Allocation policies: global, per group, per SKU.", no_args_is_help=True
)
allocation_app = typer.Typer(help="Allocations per channel.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
    app.add_typer(allocation_app, name="allocation")


def scope_of(sku: str | None, group: str | None) -> tuple[PolicyScope, str]:
    if sku and group:
        raise InvalidValue("give --sku or --group, not both", field="scope")
    if sku:
        return PolicyScope.SKU, sku
    if group:
        return PolicyScope.GROUP, group
    return PolicyScope.GLOBAL, ""


@policy_app.command("set", context_settings=NUMBERS)
def policy_set(
    ctx: typer.Context,
    strategy: Annotated[Strategy, typer.Option(help="How sellable stock is shared.")],
    sku: Annotated[
        str | None, typer.Option(metavar="SKU", help="Policy for this SKU only.")
    ] = None,
    group: Annotated[
        str | None, typer.Option(metavar="GROUP", help="Policy for this product group.")
    ] = None,
    share: Annotated[
        list[str] | None,
        typer.Option(metavar="CHANNEL=PCT", help="Percentage of a channel (repeat per channel)."),
    ] = None,
    reserve: Annotated[str, typer.Option(metavar="PCT", help="Percentage never shown.")] = "0",
    buffer: Annotated[str, typer.Option(metavar="N", help="Pause at or below N available.")] = "0",
    resume_margin: Annotated[
        str, typer.Option(metavar="N", help="Resume only at buffer + N available.")
    ] = "0",
    max_listed: Annotated[
        list[str] | None,
        typer.Option(metavar="CHANNEL=N", help="Never list more than N on a channel (repeat)."),
    ] = None,
    floor: Annotated[str, typer.Option(metavar="PCT", help="velocity: least share.")] = "5",
    ceiling: Annotated[str, typer.Option(metavar="PCT", help="velocity: largest share.")] = "80",
    max_step: Annotated[
        str, typer.Option(metavar="PCT", help="velocity: largest change per rebalance.")
    ] = "10",
    half_life: Annotated[
        str, typer.Option(metavar="DAYS", help="velocity: half-life of past sales.")
    ] = "7",
) -> None:
    """Set the policy for everything (no scope), one product group or one SKU.

    Percentages are of the sellable units (available − buffer). The velocity options apply to
    the velocity strategy only.
    """
    scope, key = scope_of(sku, group)
    policy = Policy(
        strategy=strategy,
        shares=values.shares(share or []),
        reserve=values.decimal(reserve.removesuffix("%"), field="reserve"),
        buffer=values.integer(buffer, field="buffer"),
        resume_margin=values.integer(resume_margin, field="resume_margin"),
        max_listed=values.caps(max_listed or []),
        velocity=VelocityLimits(
            floor=values.percent(floor, field="floor"),
            ceiling=values.percent(ceiling, field="ceiling"),
            max_step=values.percent(max_step, field="max_step"),
            half_life_days=values.decimal(half_life, field="half_life_days"),
        ),
    )
    with open_app(ctx) as app:
        policies.set_policy(app.uow(), scope, key, policy, now=app.clock.now())
    where = f"{scope.value} {key}".strip()
    render.note(f"policy set for {where}: {strategy.value}")


@policy_app.command("list")
def policy_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List the policies, most general first."""
    with open_app(ctx) as app:
        rules = values.plain(policies.get_policies(app.uow()))
    if json:
        render.emit_json(rules)
        return
    render.show(policy_table(rules))


def policy_table(rules: object) -> object:
    columns = ["scope", "key", "strategy", "shares %", "#reserve %", "#buffer", "#resume"]
    columns += ["max listed", "velocity"]
    rows = []
    for rule in rules if isinstance(rules, list) else []:
        p = rule.get("policy", {})
        rows.append(
            (
                rule.get("scope"),
                rule.get("key"),
                p.get("strategy"),
                _pairs(p.get("shares")),
                p.get("reserve"),
                p.get("buffer"),
                p.get("resume_margin"),
                _pairs(p.get("max_listed")),
                _velocity(p) if p.get("strategy") == "velocity" else "",
            )
        )
    return render.table("Policies", columns, rows)


def _velocity(policy: dict[str, object]) -> str:
    limits = policy.get("velocity")
    if not isinstance(limits, dict):
        return ""
    pct = {
        k: f"{(Decimal(str(limits.get(k, 0))) * 100).normalize():f}"
        for k in ("floor", "ceiling", "max_step")
    }
    return (
        f"floor {pct['floor']} %, ceiling {pct['ceiling']} %, "
        f"step {pct['max_step']} %, half-life {limits.get('half_life_days')} d"
    )


def _pairs(mapping: object) -> str:
    return ", ".join(f"{k}={v}" for k, v in mapping.items()) if isinstance(mapping, dict) else ""


@allocation_app.command("explain")
def allocation_explain(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="Product SKU.")],
    json: JsonFlag = False,
) -> None:
    """Explain every number of a SKU's allocation: stock, reservations, buffer, shares, caps."""
    with open_app(ctx) as app:
        explanation = allocation.explain(app.uow(), Sku(sku)).to_dict()
    if json:
        render.emit_json(explanation)
        return
    render.show(explanation_view(explanation))
