"""The ``evaluation_answers`` table: what people answered after an event, and nothing of who.

A row holds the event, the answers given (any may be missing), a comment in the person's words,
the kind of channel it came by and the hour it came in (not the minute: an exact time could be
matched with the moment a chat was last active). No registration, chat or address: whom the
evaluation was sent to is kept apart, in ``reminder_notices`` (kind ``evaluation``), only to send
it once. A chat's comment is a row of its own, so not even the chat's answers are tied to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeString, SafeText


class EvaluationAnswer(Base):
    """One person's answers to an event's evaluation (or a comment of theirs), anonymous."""

    __tablename__ = "evaluation_answers"
    __table_args__ = (Index("ix_evaluation_answers_event", "event_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_slug: Mapped[str] = mapped_column(SafeString(100))
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)  # 1 (not at all) .. 5 (very)
    practical: Mapped[str | None] = mapped_column(SafeString(8))  # yes | partly | no
    again: Mapped[str | None] = mapped_column(SafeString(8))  # yes | maybe | no
    comment: Mapped[str | None] = mapped_column(SafeText)
    channel: Mapped[str] = mapped_column(SafeString(16))  # telegram, web, email, ...
    answered_at: Mapped[datetime]  # to the hour
