"""The event-change tables.

- ``event_snapshots``: per event, what participants were last told (see ``snapshot.py``): taken
  the first time the bot sees the event, and again whenever staff have decided about a change.
- ``event_changes``: a difference between the knowledge files and that snapshot, waiting for
  staff to say whether the registered participants should be told (``pending``), or decided
  (``sent`` with how many were told, or ``skipped``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeJSON, SafeString


class EventSnapshot(Base):
    """What participants were last told about an event."""

    __tablename__ = "event_snapshots"

    event_slug: Mapped[str] = mapped_column(SafeString(100), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(SafeJSON)
    taken_at: Mapped[datetime]


class EventChange(Base):
    """A change of an event's time, place or programme, and what staff decided about it."""

    __tablename__ = "event_changes"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'skipped')", name="status"),
        Index("ix_event_changes_event_status", "event_slug", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_slug: Mapped[str] = mapped_column(SafeString(100))
    before: Mapped[dict[str, Any]] = mapped_column(SafeJSON)
    after: Mapped[dict[str, Any]] = mapped_column(SafeJSON)
    status: Mapped[str] = mapped_column(SafeString(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(SafeString(200))
    told: Mapped[int | None] = mapped_column(Integer)
