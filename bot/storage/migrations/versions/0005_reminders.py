"""Reminders: notices sent once (reminders before the day, unfinished signups, the deadline
note to staff).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("event_slug", sa.String(length=100), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("chat_id", sa.String(length=64), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_reminder_notices_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_notices")),
        sa.UniqueConstraint("key", name=op.f("uq_reminder_notices_key")),
    )
    with op.batch_alter_table("reminder_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_notices_event_slug"), ["event_slug"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_notices_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_notices_registration_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_notices_event_slug"))

    op.drop_table("reminder_notices")
