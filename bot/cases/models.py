"""The staff cases' tables: the case, what was said in it, and where staff saw it.

- ``cases``: one row per question handed to staff: who asked (channel and chat, name, and for
  e-mail the thread to answer in), the event, the question, the language to answer in, the status
  (new, taken, answered, closed), who took it, until when the bot keeps quiet for the
  participant, and when it was announced to staff. The bot never deletes a case; a person closes it.
- ``case_messages``: the conversation around the case: the question, what the participant wrote
  while a person had the case, and the staff answers relayed.
- ``case_posts``: where staff saw the case or a message of it (a message id in the staff chat, a
  Message-ID of a forward to the staff address), so a staff reply finds its case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeJSON, SafeString, SafeText

STATUSES = ("new", "taken", "answered", "closed")


class Case(Base):
    """A question for staff."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'taken', 'answered', 'closed')", name="status"),
        Index("ix_cases_status", "status", "created_at"),
        Index("ix_cases_chat", "channel", "chat_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(SafeString(16))
    chat_id: Mapped[str] = mapped_column(SafeString(64))
    user_id: Mapped[str | None] = mapped_column(SafeString(64))
    email: Mapped[str | None] = mapped_column(SafeString(320))
    name: Mapped[str | None] = mapped_column(SafeString(200))
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    question: Mapped[str] = mapped_column(SafeText)
    lang: Mapped[str] = mapped_column(SafeString(8))
    status: Mapped[str] = mapped_column(SafeString(16), default="new")
    # E-mail cases: the participant's message (Message-ID, References, Subject), to answer in it.
    thread: Mapped[dict[str, Any] | None] = mapped_column(SafeJSON)
    taken_by: Mapped[str | None] = mapped_column(SafeString(200))
    taken_by_id: Mapped[str | None] = mapped_column(SafeString(340))
    answer: Mapped[str | None] = mapped_column(SafeText)
    # While set and in the future the bot does not answer the participant automatically.
    muted_until: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaseMessage(Base):
    """One message in a case: from the participant, from staff, or a note from the bot."""

    __tablename__ = "case_messages"
    __table_args__ = (
        CheckConstraint("author IN ('participant', 'staff', 'bot')", name="author"),
        Index("ix_case_messages_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(SafeString(16))
    author_name: Mapped[str | None] = mapped_column(SafeString(200))
    text: Mapped[str] = mapped_column(SafeText)
    at: Mapped[datetime]


class CasePost(Base):
    """Where staff saw a case (``message_id`` empty) or one of its messages."""

    __tablename__ = "case_posts"
    __table_args__ = (UniqueConstraint("route", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_messages.id", ondelete="CASCADE")
    )
    route: Mapped[str] = mapped_column(SafeString(16))  # the board's channel
    ref: Mapped[str] = mapped_column(SafeString(512))
    # The status the post shows, so a changed case is redrawn once.
    shown_status: Mapped[str | None] = mapped_column(SafeString(64))
    at: Mapped[datetime]
