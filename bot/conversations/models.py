"""The ``conversations`` table: one row per chat on a channel.

It holds the event the chat is about, the language the person chose, and the state of a dialogue
in progress (the signup questions) as JSON, so a restart of the bot loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base


class Conversation(Base):
    """One chat: a Telegram chat id, or whatever identifies a chat on another channel."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    event_slug: Mapped[str | None] = mapped_column(String(100))
    lang: Mapped[str | None] = mapped_column(String(8))
    flow: Mapped[str | None] = mapped_column(String(32))
    flow_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
