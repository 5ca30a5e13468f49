"""``omnistock privacy rotate-key|export|erase|sweep|datamap``: personal data on request.

Export and erase find a person by e-mail, phone or channel buyer id (keyed hashes, never plain
text), need the privacy keys (``OMNISTOCK_PRIVACY_KEYS`` + ``OMNISTOCK_PRIVACY_HASH_KEY`` or a key
file, ``[privacy] key_file``) and are recorded in the ``privacy_audit`` table (who, when, the
identifier's keyed hash, counts). An unknown person is answered "nothing held".
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from omnistock.bootstrap import App
from omnistock.domain.errors import InvalidValue
from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import open_app
from omnistock.privacy.inventory import DATA_MAP, RETENTION_TEXT, SEALED_SECRETS, render_markdown
from omnistock.privacy.rotation import BatchDone, pending, rotate
from omnistock.privacy.sealing import Sealer
from omnistock.privacy.subject import ErasureReport, SubjectQuery
from omnistock.service.privacy_jobs import prepare_rotation, run_daily
from omnistock.service.privacy_requests import erase_person, export_person

privacy_app = typer.Typer(
    help="Personal data: key rotation, access export, erasure, retention.", no_args_is_help=True
)
Email = Annotated[str | None, typer.Option("--email", help="The person's e-mail.")]
Phone = Annotated[str | None, typer.Option("--phone", help="The person's phone number.")]
Customer = Annotated[
    str | None, typer.Option("--customer", help="Channel buyer id, e.g. allegro:123456.")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
NOTHING_HELD = "nothing held about this person"


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy")


def _sealer(app: App) -> Sealer:
    key_file = app.settings.section("privacy").get("key_file")
    return Sealer.from_env(os.environ, key_file=key_file)


def _query(email: str | None, phone: str | None, customer: str | None) -> SubjectQuery:
    given = [v for v in (email, phone, customer) if v is not None]
    if len(given) != 1:
        raise InvalidValue("give exactly one of --email, --phone, --customer", field="subject")
    return SubjectQuery(email=email, phone=phone, customer=customer)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@privacy_app.command("rotate-key")
def rotate_key(
    ctx: typer.Context,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Records per batch.")] = 1000,
) -> None:
    """Re-encrypt every personal value with the active key (resumable: just run it again).

    First seals what an older version left otherwise: quarantined order payloads not bound to
    their row, invoice XML in clear.
    """
    with open_app(ctx) as app:
        sealer = _sealer(app)
        prepare_rotation(app.engine, sealer)
        active = sealer.cipher.active
        total = sum(pending(app.engine, sealer.data_map, active, also=SEALED_SECRETS).values())
        with render.progress(f"re-encrypting to key {active}", total) as bar:

            def advance(done: BatchDone) -> None:
                bar.advance(bar.task_ids[0], done.rows)

            report = rotate(app.engine, sealer.cipher, sealer.data_map, batch_size=batch,
                            on_batch=advance, also=SEALED_SECRETS)  # fmt: skip
    left = sum(report.remaining.values())
    render.note(
        f"key {report.active}: {report.resealed} records re-encrypted in {report.batches} "
        f"batches; {left} left" + ("" if left else " — older keys may now be retired")
    )
    if left:
        raise typer.Exit(1)


@privacy_app.command("export")
def export(
    ctx: typer.Context,
    email: Email = None,
    phone: Phone = None,
    customer: Customer = None,
    html: Annotated[
        Path | None, typer.Option("--html", metavar="FILE", help="Also write a readable page.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Everything held about a person (art. 15 GDPR), decrypted; the request is audited."""
    query = _query(email, phone, customer)
    with open_app(ctx) as app:
        found = export_person(
            app.engine, _sealer(app), query, app.clock.now(), actor=_actor(), surface="cli"
        )
    if html is not None:
        html.write_text(found.to_html(), encoding="utf-8")
    if as_json:
        render.out().file.write(found.to_json() + "\n")
        return
    if not found.held:
        render.note(NOTHING_HELD)
        return
    for record in found.records:
        rows = [(n, _shown(v), record.purposes[n]) for n, v in record.fields.items()]
        title = f"{record.description} — {record.table} #{record.record_id}"
        render.show(render.table(title, ["field", "value", "purpose and retention"], rows))


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v)
    if isinstance(value, bytes):
        return f"({len(value)} bytes, in the JSON export)"
    return str(value)


@privacy_app.command("erase")
def erase(
    ctx: typer.Context,
    email: Email = None,
    phone: Phone = None,
    customer: Customer = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Erase a person's data except what the law requires to keep (art. 17 GDPR); audited."""
    query = _query(email, phone, customer)
    if not yes and not typer.confirm("Erase this person's personal data?", err=True):
        raise typer.Exit(1)
    with open_app(ctx) as app:
        report = erase_person(
            app.engine, _sealer(app), query, app.clock.now(), actor=_actor(), surface="cli"
        )
    if as_json:
        render.emit_json(_erasure_dict(report))
    elif not report.held:
        render.note(NOTHING_HELD)
    else:
        _show_erasure(report)


def _erasure_dict(report: ErasureReport) -> dict[str, object]:
    kept = [
        {
            "field": f"{k.table}.{k.column}#{k.record_id}",
            "reason": k.reason,
            "keep_until": k.keep_until.isoformat() if k.keep_until else None,
        }
        for k in report.kept
    ]
    return {"held": report.held, "erased": list(report.erased), "kept": kept}


def _show_erasure(report: ErasureReport) -> None:
    render.note(f"erased {len(report.erased)} fields; kept {len(report.kept)}")
    rows = [
        (
            f"{k.table}.{k.column}#{k.record_id}",
            k.keep_until.date() if k.keep_until else "",
            k.reason,
        )
        for k in report.kept
    ]
    if rows:
        render.show(render.table("kept", ["field", "kept until", "why"], rows))


@privacy_app.command("sweep")
def sweep_now(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Run the retention job now: empty every personal field whose retention has expired."""
    with open_app(ctx) as app:
        summary = run_daily(app.engine, None, app.clock.now(), force=True)
    if as_json:
        render.emit_json({"day": summary.day, "emptied": dict(summary.emptied)})
        return
    render.note(f"retention sweep {summary.day}: {summary.total} values emptied")
    if summary.emptied:
        rows = sorted(summary.emptied.items())
        render.show(render.table("emptied", ["column", "#values"], rows))


@privacy_app.command("datamap")
def datamap(
    markdown: Annotated[bool, typer.Option("--markdown", help="The docs' Markdown table.")] = False,
) -> None:
    """The declared map of every personal field omnistock stores."""
    if markdown:
        render.out().file.write(render_markdown())
        return
    rows = [
        (f"{t.name}.{f.column}", f.description, f.purpose.value, f.basis.value,
         RETENTION_TEXT[f.purpose])
        for t in DATA_MAP.tables
        for f in t.fields
    ]  # fmt: skip
    columns = ["table.column", "what", "purpose", "legal basis", "kept"]
    render.show(render.table("personal data map", columns, rows))
