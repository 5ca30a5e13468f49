"""compliance: stored rule-pack check runs and their violations

Revision ID: 0011_compliance_results
Revises: 0010_sealed_invoice_xml
Create Date: 2026-11-27

Owned by the compliance area (``omnistock.store.compliance_tables``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_compliance_results"
down_revision = "0010_sealed_invoice_xml"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "compliance_runs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("upcoming_until", sa.Date, nullable=False),
        sa.Column("ran_at", TS, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("checked", sa.Integer, nullable=False),
        sa.Column("rules_in_force", sa.Integer, nullable=False),
        sa.Column("rules_upcoming", sa.Integer, nullable=False),
        sa.Column("packs", sa.Text, nullable=False),
        sa.Column("errors", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_runs")),
    )
    op.create_table(
        "compliance_results",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("offer", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("pack", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("upcoming", sa.Boolean, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("message_pl", sa.Text, nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["compliance_runs.id"],
            name=op.f("fk_compliance_results_run_id_compliance_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_results")),
    )
    op.create_index("ix_compliance_results_run_id", "compliance_results", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_compliance_results_run_id", table_name="compliance_results")
    op.drop_table("compliance_results")
    op.drop_table("compliance_runs")
