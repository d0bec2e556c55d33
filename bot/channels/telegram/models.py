"""The ``telegram_updates`` table: Telegram's updates from their arrival until they are handled.

See ``journal.py`` for why. A row holds the update as Telegram sent it (JSON), the chat it is of
(so the privacy tools find a person's rows), when it came, how often handling it was begun, and
when handling it ended.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeString, SafeText


class TelegramUpdate(Base):
    """One update of Telegram, kept until it is handled (and a little after, to drop repeats)."""

    __tablename__ = "telegram_updates"
    __table_args__ = (Index("ix_telegram_updates_undone", "done_at", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(SafeString(16))  # "telegram": the privacy tools' pair
    chat_id: Mapped[str | None] = mapped_column(SafeString(64), index=True)
    payload: Mapped[str] = mapped_column(SafeText)
    received_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]
