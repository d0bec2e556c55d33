"""The ``conversations`` table: one row per chat on a channel.

It holds the event the chat is about, the language the person chose, and the state of a dialogue
in progress (the signup questions) as JSON, so a restart of the bot loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeJSON, SafeString


class Conversation(Base):
    """One chat: a Telegram chat id, or whatever identifies a chat on another channel."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(SafeString(16))
    chat_id: Mapped[str] = mapped_column(SafeString(64))
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    lang: Mapped[str | None] = mapped_column(SafeString(8))
    flow: Mapped[str | None] = mapped_column(SafeString(32))
    flow_state: Mapped[dict[str, Any] | None] = mapped_column(SafeJSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
