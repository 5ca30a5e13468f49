"""API tokens in the store (SQLite, and PostgreSQL with OMNISTOCK_TEST_PG): only hashes are
stored, revoked tokens stop authenticating, roles are ordered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from omnistock.domain.errors import InvalidValue
from omnistock.service import tokens
from omnistock.service.tokens import Role, UnknownToken
from omnistock.store.engine import make_engine
from omnistock.store.token_repository import TokenStore
from omnistock.store.token_tables import api_tokens

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(db_url):
    engine = make_engine(db_url)
    yield TokenStore(engine)
    engine.dispose()


def test_only_the_hash_of_a_secret_is_stored(store) -> None:
    token, secret = tokens.create_token(store, Role.OPERATOR, name="magazyn", now=T0)
    with store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(select(api_tokens))]
    assert len(rows) == 1
    assert all(secret not in str(cell) for cell in rows[0])
    assert tokens.hash_secret(secret) in rows[0]
    assert tokens.authenticate(store, secret) == token
    assert tokens.authenticate(store, secret + "x") is None
    assert tokens.authenticate(store, "not-a-token") is None


def test_revoked_tokens_stop_authenticating(store) -> None:
    token, secret = tokens.create_token(store, "viewer", name="grafana", now=T0)
    tokens.revoke_token(store, token.id, now=T0)
    assert tokens.authenticate(store, secret) is None
    assert tokens.active_token(store, token.id) is None
    assert tokens.list_tokens(store)[0].revoked_at == T0
    with pytest.raises(UnknownToken) as raised:
        tokens.revoke_token(store, token.id, now=T0)
    assert raised.value.field == "token_id"


def test_secrets_differ_and_carry_the_prefix(store) -> None:
    made = [tokens.create_token(store, "viewer", name=f"t{i}", now=T0) for i in range(5)]
    secrets = {secret for _, secret in made}
    assert len(secrets) == 5
    assert all(s.startswith("omni_") and len(s) > 40 for s in secrets)


@pytest.mark.parametrize(
    ("role", "name", "field"),
    [("root", "x", "role"), ("viewer", "", "name"), ("viewer", "x" * 101, "name")],
)
def test_bad_token_requests_name_the_field(store, role, name, field) -> None:
    with pytest.raises(InvalidValue) as raised:
        tokens.create_token(store, role, name=name, now=T0)
    assert raised.value.field == field
    assert tokens.list_tokens(store) == []


@pytest.mark.parametrize(
    ("have", "needed", "allowed"),
    [
        (Role.VIEWER, Role.VIEWER, True),
        (Role.VIEWER, Role.OPERATOR, False),  # viewers never change anything
        (Role.OPERATOR, Role.VIEWER, True),
        (Role.OPERATOR, Role.ADMIN, False),  # operators do not manage tokens or privacy
        (Role.ADMIN, Role.OPERATOR, True),
    ],
)
def test_roles_are_ordered(have, needed, allowed) -> None:
    assert have.allows(needed) is allowed
