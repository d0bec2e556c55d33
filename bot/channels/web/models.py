"""The ``web_chat_messages`` table: what was said in each web chat, so a reload or a restart
shows the whole conversation again.

One row per message: the person's, the bot's answers (with their choices, source and file),
and what the bot sent on its own (a staff member's answer). ``channel`` is always "web" and
``chat_id`` the browser session, as in every chat table, so the privacy rules find a person's
rows the same way; ``event_slug`` is the event the chat was about, so rows expire with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeJSON, SafeString, SafeText


class WebChatMessage(Base):
    """One message in a web chat."""

    __tablename__ = "web_chat_messages"
    __table_args__ = (Index("ix_web_chat_messages_chat", "channel", "chat_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(SafeString(16))
    chat_id: Mapped[str] = mapped_column(SafeString(64))
    # The event page it was said on (the welcome is said once per page); None: sent by the bot.
    page: Mapped[str | None] = mapped_column(SafeString(100))
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    author: Mapped[str] = mapped_column(SafeString(16))  # person | bot
    text: Mapped[str] = mapped_column(SafeText)
    source: Mapped[str | None] = mapped_column(SafeString(300))
    # [[value, label], ...]: offered until the person answers.
    choices: Mapped[list[Any] | None] = mapped_column(SafeJSON)
    columns: Mapped[int] = mapped_column(Integer, default=1)
    lang: Mapped[str | None] = mapped_column(SafeString(8))
    file_name: Mapped[str | None] = mapped_column(SafeString(200))
    file_type: Mapped[str | None] = mapped_column(SafeString(100))
    file_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
