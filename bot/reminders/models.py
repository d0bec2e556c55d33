"""The ``reminder_notices`` table: every notice the reminder job has queued, once each.

A row is written in the same transaction as the message is queued (chat outbox or mail outbox),
under a unique ``key`` that names the notice:

- ``reminder:<registration id>:<which>``: a reminder to a participant (``before``, ``day``);
- ``unfinished:<channel>:<chat id>:<event>``: a chat that left a signup unfinished;
- ``deadline:<event>``: the note to staff that signup has closed;
- ``needs:<registration id>:<kind>``: the alert to staff that a need booked ahead (an
  interpreter) is late or not yet arranged (``bot.arranging.alerts``).

So a notice is queued exactly when its row is committed: a restart, a second look in the same
minute or a second bot process finds the key and leaves it, and a failed transaction leaves
neither. Erasing a person removes their rows with their registration (``ON DELETE CASCADE``);
rows about a chat hold its ``chat_id`` so they can be found and removed too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeString

REMINDER, UNFINISHED, DEADLINE, NEEDS = "reminder", "unfinished", "deadline", "needs"


class SentNotice(Base):
    """One notice queued by the reminder job."""

    __tablename__ = "reminder_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(SafeString(255), unique=True)
    kind: Mapped[str] = mapped_column(SafeString(16))  # reminder | unfinished | deadline | needs
    event_slug: Mapped[str] = mapped_column(SafeString(100), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    # Where it went: the channel, and for a chat the chat id (e-mail addresses are not kept here).
    channel: Mapped[str | None] = mapped_column(SafeString(16))
    chat_id: Mapped[str | None] = mapped_column(SafeString(64))
    queued_at: Mapped[datetime]
