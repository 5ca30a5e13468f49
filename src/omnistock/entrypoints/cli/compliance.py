"""``omnistock rules validate|list`` and ``omnistock compliance check``: marketplace rule packs.

``compliance check`` exits with 1 when an offer breaks an error-severity rule in force, else 0;
bad input (a broken pack or listings file) exits with 2 like every other command.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from omnistock.domain.compliance import (
    Lang,
    Report,
    RuleAlert,
    RulePack,
    upcoming_alerts,
    violation_key,
)
from omnistock.domain.errors import InvalidValue
from omnistock.entrypoints.cli import render

if TYPE_CHECKING:
    from omnistock.compliance.config import ComplianceConfig
    from omnistock.compliance.service import AllegroSnapshot

rules_app = typer.Typer(help="Marketplace rule packs: validate and list.", no_args_is_help=True)
compliance_app = typer.Typer(
    help="Check listings against the channels' current and upcoming rules.", no_args_is_help=True
)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ChannelOpt = Annotated[str | None, typer.Option("--channel", help="Only this channel's packs.")]
PackOpt = Annotated[
    list[Path] | None, typer.Option("--pack", metavar="FILE", help="A rule pack file (repeatable).")
]
LangOpt = Annotated[
    Lang | None, typer.Option("--lang", help="Language of the messages (default pl).")
]
TOKEN_ENV = "OMNISTOCK_ALLEGRO_TOKEN"


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
    app.add_typer(compliance_app, name="compliance")


@rules_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Pack files to check.")],
) -> None:
    """Check rule pack files; the first problem is reported with file, line and reason."""
    from omnistock.compliance.packs import load_pack

    for path in files:
        pack = load_pack(path)
        render.out().print(
            f"ok: {path}: pack {pack.name} ({pack.channel}) version {pack.version}, "
            f"{len(pack.rules)} rules"
        )


@rules_app.command("list")
def list_rules(
    ctx: typer.Context,
    channel: ChannelOpt = None,
    packs: PackOpt = None,
    lang: LangOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """List the rules of the shipped packs, the configured packs and --pack files."""
    from omnistock.compliance.service import pack_summary, select_packs

    config = _config(ctx)
    lang = lang or config.lang
    selected = select_packs(channel, [*config.packs, *(packs or [])], shipped=config.shipped)
    if as_json:
        render.emit_json([pack_summary(p, lang) for p in selected])
        return
    rows = [
        (p.channel, r.id, r.severity.value, r.effective_from, r.until, r.description.in_lang(lang))
        for p in selected
        for r in p.rules
    ]
    columns = ["channel", "rule", "severity", "from", "until", "description"]
    render.show(render.table("rules", columns, rows))


def _as_of(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"bad date {value!r}: expected YYYY-MM-DD", field="--as-of") from None


def _from_allegro(url: str, day: date) -> AllegroSnapshot:
    from omnistock.compliance.allegro_reader import AllegroOfferReader
    from omnistock.compliance.service import allegro_snapshot

    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise InvalidValue(f"set {TOKEN_ENV} to an Allegro access token", field="--from-allegro")
    with AllegroOfferReader(url, token) as reader:
        return allegro_snapshot(reader, day)


def _show(report: Report, lang: Lang) -> None:
    for title, found in (("violations", report.violations), ("upcoming", report.upcoming)):
        rows = [
            (
                v.offer,
                v.channel,
                v.rule.id,
                v.severity.value,
                v.rule.effective_from,
                v.message(lang),
            )
            for v in found
        ]
        columns = ["offer", "channel", "rule", "severity", "from", "what to fix"]
        render.show(render.table(f"{title} ({len(rows)})", columns, rows))
    render.out().print(
        f"{report.checked} listings checked on {report.as_of}; "
        f"{report.rules_in_force} rules in force, {report.rules_upcoming} starting "
        f"by {report.upcoming_until}"
    )


@compliance_app.command("check")
def check_cmd(
    ctx: typer.Context,
    channel: ChannelOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Day to check for (default today)."),
    ] = None,
    upcoming_days: Annotated[
        int | None,
        typer.Option("--upcoming-days", min=0, help="Look-ahead for upcoming rules (default 30)."),
    ] = None,
    listings: Annotated[
        list[Path] | None,
        typer.Option("--listings", metavar="FILE", help="Listings .csv or .json (repeatable)."),
    ] = None,
    from_allegro: Annotated[
        str | None,
        typer.Option(
            "--from-allegro",
            metavar="URL",
            help=f"Read every offer and its unfilled parameters from Allegro (${TOKEN_ENV}).",
        ),
    ] = None,
    packs: PackOpt = None,
    no_shipped: Annotated[
        bool, typer.Option("--no-shipped", help="Use only the --pack files.")
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            metavar="FILE",
            help="Remember alerted upcoming violations here; alert only on new ones (daily runs).",
        ),
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="Store the results in the database (for the API and dashboard); "
            "the worker stores its daily run itself.",
        ),
    ] = False,
    lang: LangOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """List violations of rules in force and of rules starting within --upcoming-days.

    Defaults come from the ``[compliance]`` table of the config file; flags override them.
    """
    from omnistock.compliance.service import check_listings, select_packs

    if not listings and not from_allegro:
        raise InvalidValue("give --listings FILE or --from-allegro URL", field="--listings")
    config = _config(ctx)
    day = _as_of(as_of)
    files = [*config.packs, *(packs or [])]
    selected = select_packs(channel, files, shipped=config.shipped and not no_shipped)
    snapshot = _from_allegro(from_allegro, day) if from_allegro else None
    extra = snapshot.listings if snapshot else ()
    days = config.upcoming_days if upcoming_days is None else upcoming_days
    report = check_listings(listings or [], selected, day, days, extra)
    if snapshot and channel in (None, "allegro"):
        report = snapshot.merge_into(report)  # Allegro's unfilled-parameter signals
    alerts = _alerts(report, state or config.state)
    if store:
        _store(ctx, report, selected)
    language = lang or config.lang
    if as_json:
        _emit(report, alerts, language)
    else:
        _show(report, language)
        _show_alerts(alerts)
    if report.errors():
        raise typer.Exit(1)


def _store(ctx: typer.Context, report: Report, packs: list[RulePack]) -> None:
    """Save the run (source ``cli``), creating or upgrading the schema if needed."""
    from omnistock.entrypoints.cli.context import open_app
    from omnistock.store.compliance_repository import save_run

    with open_app(ctx, migrate=True) as app:
        save_run(app.engine, report, packs=packs, ran_at=app.clock.now(), source="cli")


def _config(ctx: typer.Context) -> ComplianceConfig:
    """The ``[compliance]`` table (empty when there is no config file)."""
    from omnistock.compliance.config import ComplianceConfig
    from omnistock.entrypoints.cli.context import settings

    current = settings(ctx)
    base = current.config_file.parent if current.config_file else Path.cwd()
    return ComplianceConfig.from_section(current.section("compliance"), base)


def _alerts(report: Report, state: Path | None) -> list[RuleAlert]:
    """New upcoming violations, one alert per rule; the state file is updated."""
    from omnistock.compliance.service import load_known, save_known

    known = load_known(state) if state else frozenset()
    alerts = upcoming_alerts(report, known)
    if state:
        save_known(state, frozenset(violation_key(v) for v in report.upcoming))
    return alerts


def _emit(report: Report, alerts: list[RuleAlert], lang: Lang) -> None:
    from omnistock.compliance.service import alert_dict, report_dict

    render.emit_json({**report_dict(report, lang), "alerts": [alert_dict(a) for a in alerts]})


def _show_alerts(alerts: list[RuleAlert]) -> None:
    rows = [(a.channel, a.rule, a.severity.value, a.effective_from, a.count) for a in alerts]
    columns = ["channel", "rule", "severity", "from", "#offers"]
    render.show(render.table(f"new upcoming problems ({len(rows)})", columns, rows))
