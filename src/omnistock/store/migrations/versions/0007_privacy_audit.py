"""privacy: audit log of data-subject requests, record of privacy job runs

Revision ID: 0007_privacy_audit
Revises: 0006_invoices
Create Date: 2026-11-27

Owned by the privacy area (``omnistock.store.privacy_tables``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_privacy_audit"
down_revision = "0006_invoices"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "privacy_audit",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("identifier_kind", sa.String(16), nullable=False),
        sa.Column("identifier_hash", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("fields", sa.Integer, nullable=False),
        sa.Column("kept", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_audit")),
    )
    op.create_index("ix_privacy_audit_at", "privacy_audit", ["at"])
    op.create_table(
        "privacy_job_runs",
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("last_run_at", TS, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_privacy_job_runs")),
    )


def downgrade() -> None:
    op.drop_table("privacy_job_runs")
    op.drop_index("ix_privacy_audit_at", table_name="privacy_audit")
    op.drop_table("privacy_audit")
