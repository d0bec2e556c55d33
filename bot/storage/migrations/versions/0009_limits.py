"""Limits: codes and confirmations sent to an address, and signups started in a chat.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "limited_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("chat_id", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_limited_actions")),
    )
    with op.batch_alter_table("limited_actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_limited_actions_kind_email_at", ["kind", "email", "at"], unique=False
        )
        batch_op.create_index(
            "ix_limited_actions_kind_chat_at", ["kind", "channel", "chat_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("limited_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_limited_actions_kind_chat_at")
        batch_op.drop_index("ix_limited_actions_kind_email_at")
    op.drop_table("limited_actions")
