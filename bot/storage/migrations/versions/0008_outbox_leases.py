"""Outbox leases: who is sending each outbox message, until when, and since when.

``lease_owner`` and ``lease_expires_ms`` (milliseconds on the database's clock) replace the
five-minute hold that moved ``next_attempt_at`` ahead: a live sender renews its lease every few
seconds, and the messages of one that died are taken over as soon as its lease runs out.
``sending_since`` records that a message was handed to the server, so a sender that takes it
over knows it may have gone out (see ``bot/delivery/lease.py``). Rows of an older bot have no
lease, and are free to send.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("mail_outbox", "chat_outbox")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("lease_expires_ms", sa.BigInteger(), nullable=True))
            batch_op.add_column(
                sa.Column("sending_since", sa.DateTime(timezone=True), nullable=True)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("sending_since")
            batch_op.drop_column("lease_expires_ms")
            batch_op.drop_column("lease_owner")
