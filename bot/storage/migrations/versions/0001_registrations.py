"""Registrations: participants and identities, registrations, the per-event lock row, audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status <> 'cancelled'")


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["participants.id"],
            name=op.f("fk_participants_merged_into_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    op.create_table(
        "registration_events",
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("last_queue_no", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_registration_events")),
    )
    op.create_table(
        "participant_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('email', 'telegram')", name=op.f("ck_participant_identities_kind")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_identities_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_identities")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_participant_identities_kind")),
    )
    op.create_index(
        op.f("ix_participant_identities_participant_id"),
        "participant_identities",
        ["participant_id"],
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_slug", sa.String(length=100), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("queue_no", sa.Integer(), nullable=False),
        sa.Column("session_key", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("needs", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('registered', 'waitlisted', 'cancelled')",
            name=op.f("ck_registrations_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_slug"],
            ["registration_events.slug"],
            name=op.f("fk_registrations_event_slug_registration_events"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_registrations_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("event_slug", "queue_no", name=op.f("uq_registrations_event_slug")),
    )
    op.create_index(
        "ix_registrations_event_status", "registrations", ["event_slug", "status", "queue_no"]
    )
    op.create_index(op.f("ix_registrations_participant_id"), "registrations", ["participant_id"])
    # At most one active registration per person and event, kept by the database itself.
    op.create_index(
        "uq_registrations_active",
        "registrations",
        ["event_slug", "participant_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_table(
        "registration_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_slug", sa.String(length=100), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("old_status", sa.String(length=16), nullable=True),
        sa.Column("new_status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_registration_audit_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_audit_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_audit")),
    )
    op.create_index(op.f("ix_registration_audit_event_slug"), "registration_audit", ["event_slug"])
    op.create_index(
        op.f("ix_registration_audit_registration_id"), "registration_audit", ["registration_id"]
    )


def downgrade() -> None:
    op.drop_table("registration_audit")
    op.drop_table("registrations")
    op.drop_table("participant_identities")
    op.drop_table("registration_events")
    op.drop_table("participants")
