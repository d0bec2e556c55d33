"""The web chat's transcript: every message of each web chat, so a reload or a restart shows it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("page", sa.String(length=100), nullable=True),
        sa.Column("event_slug", sa.String(length=100), nullable=True),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("columns", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("file_type", sa.String(length=100), nullable=True),
        sa.Column("file_content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_chat_messages")),
    )
    with op.batch_alter_table("web_chat_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_web_chat_messages_chat", ["channel", "chat_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("web_chat_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_web_chat_messages_chat")
    op.drop_table("web_chat_messages")
