"""Privacy: what erasure and the retention job keep of their work.

The end of every event seen (its data expires a set number of days after it, also once the
event has left the knowledge files), e-mail erasure requests waiting for their confirmation, and
the outbox flag that empties privacy mail once it is sent.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_event_ends",
        sa.Column("event_slug", sa.String(length=100), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_slug", name=op.f("pk_privacy_event_ends")),
    )
    op.create_table(
        "privacy_erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("message_id", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_erasure_requests")),
        sa.UniqueConstraint("message_id", name=op.f("uq_privacy_erasure_requests_message_id")),
    )
    with op.batch_alter_table("privacy_erasure_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_erasure_requests_email"), ["email"], unique=False
        )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("forget_when_sent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_column("forget_when_sent")
    with op.batch_alter_table("privacy_erasure_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_erasure_requests_email"))
    op.drop_table("privacy_erasure_requests")
    op.drop_table("privacy_event_ends")
