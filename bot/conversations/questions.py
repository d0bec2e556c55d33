"""The question log: every question the bot was asked, on any channel, and what became of it.

One row per question the answering core decided on (the chat turn and the mailbox both record
here): the event it was about, the hour it was asked, and whether the bot answered it itself or
handed it to staff; a handed-over question names the case it became, and is marked when a
member of staff answers that case (``CaseService.answer``). From these rows the desk shows the
share answered by the bot, handed over and answered by staff, per event and per week.

Privacy: a row holds no words and no one: no question text (a handed-over question's text is in
its case, which the privacy rules erase and expire; an answered question's text is kept
nowhere), no chat, no name, and the time only to the hour, so a row cannot be matched with a
chat's messages by its time. The link to the case is cleared when the case is deleted (the
retention job), and the case is anonymised on erasure, so the log outlives the person and tells
nothing about them (``bot.privacy.tables`` lists it as not personal). Recording logs nothing at
INFO.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.clock import TZ
from bot.metrics import QUESTIONS
from bot.storage import Database
from bot.storage.base import Base
from bot.storage.safetext import SafeString

log = logging.getLogger(__name__)

ANSWERED = "answered"
HANDED_OVER = "handed_over"


class QuestionAsked(Base):
    """One question the bot was asked, and whether it answered it."""

    __tablename__ = "questions_asked"
    __table_args__ = (
        CheckConstraint("outcome IN ('answered', 'handed_over')", name="outcome"),
        Index("ix_questions_asked_event", "event_slug", "at"),
        Index("ix_questions_asked_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    # The hour it was asked (UTC, minutes and seconds cut off).
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(SafeString(16))
    # The case a handed-over question became; cleared when the case is deleted.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    staff_answered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def hour_of(value: datetime) -> datetime:
    """The hour a time falls in (UTC): what the log keeps of when a question was asked."""
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def record_question(
    session: AsyncSession,
    *,
    event: str | None,
    now: datetime,
    case_id: int | None = None,
    channel: str = "unknown",
    kind: str | None = None,
) -> None:
    """Record a question in the caller's transaction: handed over when it became ``case_id``,
    else answered by the bot; and count it for ``/metrics`` by channel and kind (the intent)."""
    session.add(QuestionAsked(**_counted(event, now, case_id, channel, kind)))


def record_answered_later(
    db: Database, *, event: str | None, now: datetime, channel: str, kind: str | None
) -> None:
    """Record a question the bot answered: counted for ``/metrics`` at once, its row committed
    soon with other such records (``Database.later``), not in a commit of its own."""
    db.later("questions", _counted(event, now, None, channel, kind), _insert_all)


def _counted(
    event: str | None, now: datetime, case_id: int | None, channel: str, kind: str | None
) -> dict[str, Any]:
    outcome = ANSWERED if case_id is None else HANDED_OVER
    QUESTIONS.labels(channel, kind or "unknown", outcome).inc()
    log.debug("question recorded: %s", outcome)
    return {
        "event_slug": event,
        "at": hour_of(now),
        "outcome": outcome,
        "case_id": case_id,
        "staff_answered": False,
    }


async def _insert_all(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(insert(QuestionAsked), rows)


async def mark_staff_answered(session: AsyncSession, case_id: int) -> None:
    """The question that became this case has a staff answer (in the answer's transaction)."""
    await session.execute(
        update(QuestionAsked)
        .where(QuestionAsked.case_id == case_id, QuestionAsked.staff_answered.is_(False))
        .values(staff_answered=True)
    )


@dataclass(frozen=True)
class Tally:
    """How many questions were asked, answered by the bot, handed over, answered by staff."""

    asked: int = 0
    answered: int = 0
    handed_over: int = 0
    staff_answered: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.asked + other.asked,
            self.answered + other.answered,
            self.handed_over + other.handed_over,
            self.staff_answered + other.staff_answered,
        )

    @staticmethod
    def share(part: int, whole: int) -> int:
        """``part`` of ``whole`` in whole per cent (0 of nothing)."""
        return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class Week:
    """An ISO week in Copenhagen time."""

    year: int
    week: int

    @classmethod
    def of(cls, value: datetime) -> Week:
        calendar = value.astimezone(TZ).isocalendar()
        return cls(calendar.year, calendar.week)


@dataclass(frozen=True)
class Tallies:
    """The log counted per event, and per ISO week (Copenhagen time) of the chosen events."""

    per_event: dict[str | None, Tally]
    per_week: list[tuple[Week, Tally]]

    @property
    def total(self) -> Tally:
        return sum(self.per_event.values(), Tally())


class QuestionLog:
    """Reads the question log of one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def tallies(self, event: str | None = None) -> Tallies:
        """Counts per event (all of them), and per week of ``event`` (None: of every event)."""
        per_event: dict[str | None, Tally] = defaultdict(Tally)
        per_week: dict[Week, Tally] = defaultdict(Tally)
        async with self.db.session() as session:
            rows = await session.execute(
                select(
                    QuestionAsked.event_slug,
                    QuestionAsked.at,
                    QuestionAsked.outcome,
                    QuestionAsked.staff_answered,
                    func.count(),
                ).group_by(
                    QuestionAsked.event_slug,
                    QuestionAsked.at,
                    QuestionAsked.outcome,
                    QuestionAsked.staff_answered,
                )
            )
            for slug, at, outcome, staff, count in rows:
                handed = outcome == HANDED_OVER
                tally = Tally(
                    asked=count,
                    answered=0 if handed else count,
                    handed_over=count if handed else 0,
                    staff_answered=count if handed and staff else 0,
                )
                per_event[slug] += tally
                if event is None or slug == event:
                    per_week[Week.of(at)] += tally
        weeks = sorted(per_week.items(), key=lambda item: (item[0].year, item[0].week))
        return Tallies(dict(per_event), weeks)
