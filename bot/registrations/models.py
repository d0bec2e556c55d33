"""The registration tables: participants and their identities, registrations, and the audit trail.

- ``participants``: one row per person; ``merged_into_id`` points on when two were found to be one.
- ``participant_identities``: (kind, value) pairs such as ("email", "anna@x.dk") or a chat,
  ("telegram", "12345"); each pair belongs to one participant (unique). Any chat channel's name
  is a kind: nothing in the schema lists them.
- ``registration_events``: one row per event that has had a signup. Writers lock it (PostgreSQL
  ``SELECT … FOR UPDATE``) so capacity checks for one event never interleave, and it counts the
  queue numbers that order signups, and with them the waiting list.
- ``registrations``: one row per signup, kept after cancellation; at most one active (registered
  or waitlisted) row per person and event, enforced by a partial unique index.
- ``registration_audit``: every change, with who made it, through which channel, and when.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeString, SafeText

ACTIVE_CONDITION = "status <> 'cancelled'"


class RegistrationStatus(StrEnum):
    """Where a registration stands."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Participant(Base):
    """A person who has signed up, through any channel."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(SafeString(200))
    organisation: Mapped[str | None] = mapped_column(SafeString(200))
    lang: Mapped[str] = mapped_column(SafeString(8))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ParticipantIdentity(Base):
    """One way of recognising a participant: a normalised e-mail address or a chat's id."""

    __tablename__ = "participant_identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    kind: Mapped[str] = mapped_column(SafeString(16))
    value: Mapped[str] = mapped_column(SafeString(320))
    created_at: Mapped[datetime]


class RegistrationEvent(Base):
    """The per-event row writers lock, and the event's queue-number counter."""

    __tablename__ = "registration_events"

    slug: Mapped[str] = mapped_column(SafeString(100), primary_key=True)
    last_queue_no: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class Registration(Base):
    """One person's signup for one event, as they gave it."""

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("status IN ('registered', 'waitlisted', 'cancelled')", name="status"),
        UniqueConstraint("event_slug", "queue_no"),
        # The database itself refuses a second active registration of one person for one event.
        Index(
            "uq_registrations_active",
            "event_slug",
            "participant_id",
            unique=True,
            sqlite_where=text(ACTIVE_CONDITION),
            postgresql_where=text(ACTIVE_CONDITION),
        ),
        Index("ix_registrations_event_status", "event_slug", "status", "queue_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_slug: Mapped[str] = mapped_column(ForeignKey("registration_events.slug"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    status: Mapped[str] = mapped_column(SafeString(16))
    # Order of signing up within the event; the waiting list is the waitlisted rows in this order.
    queue_no: Mapped[int]
    session_key: Mapped[str | None] = mapped_column(SafeString(40))
    name: Mapped[str] = mapped_column(SafeString(200))
    email: Mapped[str] = mapped_column(SafeString(320))
    organisation: Mapped[str] = mapped_column(SafeString(200))
    needs: Mapped[str | None] = mapped_column(SafeText)
    lang: Mapped[str] = mapped_column(SafeString(8))
    channel: Mapped[str] = mapped_column(SafeString(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One change to a registration: what changed, who did it, through which channel, when."""

    __tablename__ = "registration_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    event_slug: Mapped[str] = mapped_column(SafeString(100), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    action: Mapped[str] = mapped_column(SafeString(24))
    old_status: Mapped[str | None] = mapped_column(SafeString(16))
    new_status: Mapped[str] = mapped_column(SafeString(16))
    channel: Mapped[str] = mapped_column(SafeString(16))
    actor: Mapped[str] = mapped_column(SafeString(100))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(SafeText)


NEED_KINDS_CONDITION = (
    "kind IN ('wheelchair', 'sign_language', 'writing_interpreter', 'hearing_loop', 'visual', "
    "'companion', 'diet', 'other')"
)


class RegistrationNeed(Base):
    """One kind of need a registration carries, in the person's own words (health data: never
    logged); ``arranged_at``/``arranged_by`` say when staff arranged it."""

    __tablename__ = "registration_needs"
    __table_args__ = (
        CheckConstraint(NEED_KINDS_CONDITION, name="kind"),
        UniqueConstraint("registration_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(SafeString(24))
    words: Mapped[str | None] = mapped_column(SafeText)
    created_at: Mapped[datetime]
    arranged_at: Mapped[datetime | None]
    arranged_by: Mapped[str | None] = mapped_column(SafeString(100))


class RegistrationCompanion(Base):
    """A helper or companion who comes with the person: one seat, cancelled with them."""

    __tablename__ = "registration_companions"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(SafeString(200))
    created_at: Mapped[datetime]
