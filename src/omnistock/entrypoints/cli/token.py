"""``omnistock token create|list|revoke``: API tokens for the REST API and dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from omnistock.entrypoints.cli import render
from omnistock.entrypoints.cli.context import open_app
from omnistock.service import tokens
from omnistock.service.tokens import Role
from omnistock.store.token_repository import TokenStore

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
token_app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")


@token_app.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[Role, typer.Option("--role", help="viewer, operator or admin.")],
    name: Annotated[str, typer.Option("--name", help="Who or what uses it.")] = "cli",
    as_json: JsonFlag = False,
) -> None:
    """Create a token and print its secret (shown only this once; only its hash is stored)."""
    with open_app(ctx) as app:
        token, secret = tokens.create_token(
            TokenStore(app.engine), role, name=name, now=app.clock.now()
        )
    if as_json:
        render.emit_json({**token.to_dict(), "secret": secret})
        return
    render.out().print(secret, markup=False, highlight=False)
    render.note(f"token {token.id} ({token.role.value}, {token.name}): store the secret now")


@token_app.command("list")
def list_(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List tokens (never their secrets)."""
    with open_app(ctx) as app:
        found = [t.to_dict() for t in tokens.list_tokens(TokenStore(app.engine))]
    if as_json:
        render.emit_json(found)
        return
    columns = ["id", "name", "role", "created_at", "revoked_at"]
    render.show(render.table("API tokens", columns, [[t[c] for c in columns] for t in found]))


@token_app.command("revoke")
def revoke(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(help="The token's id.")]
) -> None:
    """Revoke a token at once."""
    with open_app(ctx) as app:
        tokens.revoke_token(TokenStore(app.engine), token_id, now=app.clock.now())
    render.note(f"token {token_id} revoked")
