"""Recording evaluation answers without a person, and the results of an event for staff."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import localize
from bot.evaluation.models import EvaluationAnswer
from bot.evaluation.questions import AGAIN_ANSWERS, PRACTICAL_ANSWERS, SCORES, Answers
from bot.storage import Database


def record(
    session: AsyncSession, event: str, answers: Answers, channel: str, now: datetime
) -> None:
    """Add the answers in the caller's transaction: the event, the channel's kind and the hour."""
    if answers.empty:
        return
    hour = localize(now).replace(minute=0, second=0, microsecond=0)
    session.add(
        EvaluationAnswer(
            event_slug=event,
            satisfaction=answers.satisfaction,
            practical=answers.practical,
            again=answers.again,
            comment=answers.comment,
            channel=channel,
            answered_at=hour,
        )
    )


@dataclass(frozen=True)
class Comment:
    text: str
    at: datetime


@dataclass(frozen=True)
class Results:
    """An event's evaluation: how many answered, counts per answer, average, comments."""

    answered: int = 0
    satisfaction: dict[int, int] = field(default_factory=dict)
    practical: dict[str, int] = field(default_factory=dict)
    again: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    comments: tuple[Comment, ...] = ()

    @property
    def average(self) -> float | None:
        """The average satisfaction (1-5) of those who gave one."""
        given = sum(self.satisfaction.values())
        if not given:
            return None
        return sum(score * n for score, n in self.satisfaction.items()) / given


async def results(db: Database, event: str) -> Results:
    """The evaluation of ``event`` so far."""
    async with db.session() as session:
        rows = list(
            await session.scalars(
                select(EvaluationAnswer)
                .where(EvaluationAnswer.event_slug == event)
                .order_by(EvaluationAnswer.answered_at, EvaluationAnswer.id)
            )
        )
    answered = [r for r in rows if (r.satisfaction, r.practical, r.again) != (None, None, None)]
    scores = Counter(r.satisfaction for r in rows if r.satisfaction is not None)
    practical = Counter(r.practical for r in rows if r.practical is not None)
    again = Counter(r.again for r in rows if r.again is not None)
    return Results(
        answered=len(answered),
        satisfaction={s: scores.get(s, 0) for s in SCORES},
        practical={a: practical.get(a, 0) for a in PRACTICAL_ANSWERS},
        again={a: again.get(a, 0) for a in AGAIN_ANSWERS},
        channels=dict(Counter(r.channel for r in rows)),
        comments=tuple(Comment(r.comment, r.answered_at) for r in rows if r.comment),
    )
