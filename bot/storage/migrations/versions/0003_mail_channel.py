"""The mailbox channel: inbound log, threads, outbox, mailbox state, bounces, auto-reply log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_autoreplies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_autoreplies")),
    )
    with op.batch_alter_table("mail_autoreplies", schema=None) as batch_op:
        batch_op.create_index("ix_mail_autoreplies_email_at", ["email", "at"], unique=False)

    op.create_table(
        "mail_inbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=512), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=True),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("result", sa.String(length=32), nullable=True),
        sa.Column("event_slug", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_inbound")),
        sa.UniqueConstraint("message_key", name=op.f("uq_mail_inbound_message_key")),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=512), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("ics", sa.LargeBinary(), nullable=True),
        sa.Column("ics_filename", sa.String(length=200), nullable=True),
        sa.Column("event_slug", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_outbox_message_id")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_status", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "mail_threads",
        sa.Column("message_id", sa.String(length=512), nullable=False),
        sa.Column("event_slug", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_mail_threads")),
    )
    op.create_table(
        "mail_undeliverable",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_mail_undeliverable")),
    )
    op.create_table(
        "mailbox_state",
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("folder", name=op.f("pk_mailbox_state")),
    )


def downgrade() -> None:
    op.drop_table("mailbox_state")
    op.drop_table("mail_undeliverable")
    op.drop_table("mail_threads")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_outbox_status")

    op.drop_table("mail_outbox")
    op.drop_table("mail_inbound")
    with op.batch_alter_table("mail_autoreplies", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_autoreplies_email_at")

    op.drop_table("mail_autoreplies")
