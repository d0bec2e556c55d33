"""The privacy tables: when each event ended, and e-mail erasure requests waiting for a yes.

- ``privacy_event_ends``: the end of every event the retention job has seen in the knowledge
  base. An event's personal data is deleted ``BOT_RETENTION_DAYS`` after its end; when an event
  leaves the knowledge files (a cancelled day, a tidied folder), its data must still expire, and
  this is where its end is remembered. Events the job never saw fall back on the last activity
  of their data (see ``retention``).
- ``privacy_erasure_requests``: "slet mig" by e-mail is answered with a question, and only a
  reply in that thread ("JA, SLET") from the same address erases. The row holds the Message-ID
  of the question: a forged From address cannot confirm, because the forger never sees the
  question and cannot guess its Message-ID. Rows are deleted with the erasure, or after a week.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeString


class EventEnd(Base):
    """When an event ended, as the knowledge base last said."""

    __tablename__ = "privacy_event_ends"

    event_slug: Mapped[str] = mapped_column(SafeString(100), primary_key=True)
    ends_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ErasureRequest(Base):
    """An e-mail "delete me" that waits for its confirmation in the thread of our question."""

    __tablename__ = "privacy_erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(SafeString(320), index=True)
    # The Message-ID of the bot's question (without angle brackets).
    message_id: Mapped[str] = mapped_column(SafeString(512), unique=True)
    created_at: Mapped[datetime]
