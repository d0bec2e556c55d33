"""The ``registration_checkins`` table: one row per registration that has a check-in code.

The code is made when the registration first has a seat and is shown in its confirmation and
reminders; ``checked_in_at``/``checked_in_by`` say when staff checked the person in, and who (a
staff member's name), and ``certificate_at`` when a certificate was last asked for. The row
belongs to the registration: it goes with it on erasure and expires with its event
(``bot.privacy.tables``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeString


class Checkin(Base):
    """A registration's check-in code, and when it was used at the door."""

    __tablename__ = "registration_checkins"
    __table_args__ = (Index("ix_registration_checkins_event", "event_slug", "checked_in_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    event_slug: Mapped[str] = mapped_column(SafeString(100))
    code: Mapped[str] = mapped_column(SafeString(16), unique=True)
    created_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    checked_in_by: Mapped[str | None] = mapped_column(SafeString(100))
    # When a certificate of participation was last asked for (``bot.attendance.certificate``).
    certificate_at: Mapped[datetime | None]
