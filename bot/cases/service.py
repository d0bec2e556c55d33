"""Opening and listing staff cases; channels call it, knowing nothing of how staff work."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.models import Case
from bot.storage import Database

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 10_000


@dataclass(frozen=True)
class CaseInfo:
    """A case as staff see it."""

    id: int
    channel: str
    chat_id: str
    event: str | None
    question: str
    lang: str
    status: str
    created_at: datetime


class CaseService:
    """Questions handed over to staff."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(
        self,
        *,
        channel: str,
        chat_id: int | str,
        question: str,
        lang: str,
        now: datetime,
        event: str | None = None,
        user_id: int | str | None = None,
        email: str | None = None,
    ) -> CaseInfo:
        """Record a question for staff; it stays open until a person closes it."""
        async with self.db.transaction() as session:
            info = await add_case(
                session,
                channel=channel,
                chat_id=chat_id,
                question=question,
                lang=lang,
                now=now,
                event=event,
                user_id=user_id,
                email=email,
            )
        return info

    async def open_cases(self) -> list[CaseInfo]:
        """Cases not yet closed, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(Case).where(Case.status != "closed").order_by(Case.created_at, Case.id)
            )
            return [_info(row) for row in rows]


async def add_case(
    session: AsyncSession,
    *,
    channel: str,
    chat_id: int | str,
    question: str,
    lang: str,
    now: datetime,
    event: str | None = None,
    user_id: int | str | None = None,
    email: str | None = None,
) -> CaseInfo:
    """Record a question for staff in the caller's transaction (with the message it came in)."""
    case = Case(
        channel=channel,
        chat_id=str(chat_id),
        user_id=None if user_id is None else str(user_id),
        email=email,
        event_slug=event,
        question=question[:MAX_QUESTION_CHARS],
        lang=lang,
        status="new",
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    await session.flush()
    log.info("case opened id=%d channel=%s event=%s", case.id, channel, event)
    return _info(case)


def _info(case: Case) -> CaseInfo:
    return CaseInfo(
        case.id,
        case.channel,
        case.chat_id,
        case.event_slug,
        case.question,
        case.lang,
        case.status,
        case.created_at,
    )
