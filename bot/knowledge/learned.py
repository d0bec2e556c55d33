"""Answers staff have taught the bot: stored in the database, applied to the knowledge at once.

"Gem som svar" on a case keeps its question and the staff answer as a question-and-answer entry
of the case's event (table ``learned_answers``). :func:`with_learned` adds them to the loaded
knowledge as ``faq`` entries, so the next participant asking the same is answered by the bot;
``python -m bot knowledge learned`` writes them out for the knowledge files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import QA
from bot.storage.base import Base
from bot.storage.safetext import SafeString, SafeText


class LearnedAnswer(Base):
    """A question and the answer staff gave, for one event."""

    __tablename__ = "learned_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_slug: Mapped[str] = mapped_column(SafeString(100))
    question: Mapped[str] = mapped_column(SafeText)
    answer: Mapped[str] = mapped_column(SafeText)
    lang: Mapped[str] = mapped_column(SafeString(8))
    case_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(SafeString(200))
    created_at: Mapped[datetime]
    # When it was written into the knowledge file (``knowledge learned --write``).
    exported_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Learned:
    """A question and its answer, taught by staff for one event."""

    id: int
    event: str
    question: str
    answer: str
    lang: str
    exported: bool = False


def learned_from(row: LearnedAnswer) -> Learned:
    return Learned(
        row.id, row.event_slug, row.question, row.answer, row.lang, row.exported_at is not None
    )


async def load_learned(session: AsyncSession) -> list[Learned]:
    """Everything staff have taught, oldest first."""
    rows = await session.scalars(select(LearnedAnswer).order_by(LearnedAnswer.id))
    return [learned_from(row) for row in rows]


def as_qa(entry: Learned) -> QA:
    """The entry as a knowledge-file ``faq`` item (an English answer also answers in English)."""
    return QA(
        questions=[" ".join(entry.question.split())[:1000]],
        answer=entry.answer,
        answer_en=entry.answer if entry.lang == "en" else None,
    )


def with_learned(kb: KnowledgeBase, entries: Iterable[Learned]) -> KnowledgeBase:
    """The knowledge base with the taught entries added to their sources' ``faq``."""
    extra: dict[str, list[QA]] = defaultdict(list)
    for entry in entries:
        source = kb.get(entry.event)
        if source is None:
            continue  # the event has left the knowledge base
        qa = as_qa(entry)
        if qa not in source.faq and qa not in extra[entry.event]:
            extra[entry.event].append(qa)
    if not extra:
        return kb
    sources = [
        s.model_copy(update={"faq": [*s.faq, *extra[s.id]]}) if s.id in extra else s
        for s in kb.sources.values()
    ]
    return KnowledgeBase(sources)
