"""Needs and companions as data: what a participant needs to take part (one row per kind, in
their own words, and when staff arranged it), and the helpers or companions who come with them
(each a seat).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = (
    "'wheelchair', 'sign_language', 'writing_interpreter', 'hearing_loop', 'visual', "
    "'companion', 'diet', 'other'"
)


def upgrade() -> None:
    op.create_table(
        "registration_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arranged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arranged_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name=op.f("ck_registration_needs_kind")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_needs_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_needs")),
        sa.UniqueConstraint(
            "registration_id", "kind", name=op.f("uq_registration_needs_registration_id")
        ),
    )
    op.create_table(
        "registration_companions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_companions_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_companions")),
    )
    with op.batch_alter_table("registration_companions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_companions_registration_id"),
            ["registration_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("registration_companions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_companions_registration_id"))
    op.drop_table("registration_companions")
    op.drop_table("registration_needs")
