"""The day itself: each registration's check-in code, when (and by whom) it was checked in, and
when a certificate of participation was asked for; the check-in code of a mail in the outbox,
whose QR code goes in it as a picture.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_slug", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by", sa.String(length=100), nullable=True),
        sa.Column("certificate_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_checkins_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_checkins")),
        sa.UniqueConstraint("code", name=op.f("uq_registration_checkins_code")),
        sa.UniqueConstraint(
            "registration_id", name=op.f("uq_registration_checkins_registration_id")
        ),
    )
    with op.batch_alter_table("registration_checkins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registration_checkins_event", ["event_slug", "checked_in_at"], unique=False
        )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_code", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_column("checkin_code")
    with op.batch_alter_table("registration_checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_checkins_event")
    op.drop_table("registration_checkins")
