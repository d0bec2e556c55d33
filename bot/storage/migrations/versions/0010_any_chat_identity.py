"""Any chat channel's identities: the check that listed the kinds of identity goes.

``participant_identities.kind`` was limited to ``email`` and ``telegram``; a person is now known
by any chat channel as well (``web``, ...), so the kind is whatever channel knows them. Every row
is kept as it is. A downgrade puts the check back, and refuses while identities of other kinds
exist (the older bot could not read them).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_participant_identities_kind"


def upgrade() -> None:
    # On SQLite the table is copied without the check (batch mode), rows and indexes with it.
    with op.batch_alter_table("participant_identities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")


def downgrade() -> None:
    with op.batch_alter_table("participant_identities", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f(CHECK), "kind IN ('email', 'telegram')")
