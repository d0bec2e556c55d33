"""The question log (every question the bot was asked and whether it answered it), and what a
change at the desk was done to, in the desk's audit trail.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questions_asked",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_slug", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("staff_answered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('answered', 'handed_over')", name=op.f("ck_questions_asked_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_questions_asked_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions_asked")),
    )
    with op.batch_alter_table("questions_asked", schema=None) as batch_op:
        batch_op.create_index("ix_questions_asked_event", ["event_slug", "at"], unique=False)
        batch_op.create_index("ix_questions_asked_case", ["case_id"], unique=False)
    with op.batch_alter_table("desk_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("desk_audit", schema=None) as batch_op:
        batch_op.drop_column("subject")
    with op.batch_alter_table("questions_asked", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_asked_case")
        batch_op.drop_index("ix_questions_asked_event")
    op.drop_table("questions_asked")
