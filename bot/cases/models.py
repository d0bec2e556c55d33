"""The ``cases`` table: one row per question handed to staff.

A case records who asked (channel and chat, and the person's e-mail where that is the channel),
the event, the question and the language to answer in. It starts as ``new`` and is never deleted
by the bot; staff take it, answer it and close it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base

STATUSES = ("new", "taken", "answered", "closed")


class Case(Base):
    """A question for staff."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'taken', 'answered', 'closed')", name="status"),
        Index("ix_cases_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    event_slug: Mapped[str | None] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
