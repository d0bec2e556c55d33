"""The ``chat_outbox`` table: messages the bot sends on its own initiative to a chat.

Staff answers relayed to a participant, notices that the bot answers again, messages to everyone
registered for an event: each is queued in the transaction that decided it, and the channel's
sender sends it, so a decision cannot be lost between the database and the chat service, and a
restart sends what was left. E-mail has its own outbox (``mail_outbox``), with threads and
attachments.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from bot.delivery.lease import FAILED, PENDING, SENT, Leased
from bot.storage.base import Base
from bot.storage.safetext import SafeJSON, SafeString, SafeText

__all__ = ["FAILED", "PENDING", "SENT", "ChatOutboxMessage"]


class ChatOutboxMessage(Leased, Base):
    """A message waiting to be sent to a chat on a channel, or sent."""

    __tablename__ = "chat_outbox"
    __table_args__ = (Index("ix_chat_outbox_due", "channel", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(SafeString(16))
    chat_id: Mapped[str] = mapped_column(SafeString(64))
    text: Mapped[str] = mapped_column(SafeText)
    # Buttons to show with the text, as [value, label] pairs (the evaluation's first question).
    choices: Mapped[list[list[str]] | None] = mapped_column(SafeJSON)
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    # What it is (relay, handback, broadcast, ...), for staff and for the statistics.
    kind: Mapped[str] = mapped_column(SafeString(32))
    status: Mapped[str] = mapped_column(SafeString(16))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(SafeText)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
