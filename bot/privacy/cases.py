"""A person's staff cases: found across channels, anonymised on erasure, deleted on expiry.

Erasure anonymises rather than deletes: the case row stays, closed, with no question, name,
address, chat or thread, and its messages are gone. The staff desk then redraws the case's post
in the staff chat, so the participant's words disappear from there too, and a staff member who
still had the case sees that it was closed. Answers staff taught from the person's cases are
deleted: the question is the person's own words, and may well name them or their situation
(the caller re-applies the knowledge without them).

Expiry (the retention job) deletes an event's cases outright, messages and posts first, so it
does not depend on the database cascading.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.models import Case, CaseMessage, CasePost
from bot.knowledge.learned import LearnedAnswer
from bot.privacy.person import Person
from bot.privacy.tables import delete_rows
from bot.registrations.identity import EMAIL
from bot.storage.base import load_models


def erased_case() -> ColumnElement[bool]:
    """Cases already anonymised."""
    return and_(Case.chat_id == "", Case.question == "")


def cases_of(person: Person) -> ColumnElement[bool]:
    """The person's cases: their chats, their user id on a chat channel (also in a group chat),
    their address."""
    found: list[ColumnElement[bool]] = []
    for chat in sorted(person.chats, key=lambda c: (c.kind, c.value)):
        found.append(
            and_(
                Case.channel == chat.kind,
                or_(Case.chat_id == chat.value, Case.user_id == chat.value),
            )
        )
    if person.emails:
        emails = sorted(person.emails)
        found.append(
            or_(Case.email.in_(emails), and_(Case.channel == EMAIL, Case.chat_id.in_(emails)))
        )
    return and_(or_(*found), ~erased_case()) if found else Case.id.is_(None)


async def anonymise_cases(session: AsyncSession, person: Person, now: datetime) -> tuple[int, int]:
    """Anonymise the person's cases and delete what was taught from them; (cases, taught)."""
    ids = list(await session.scalars(select(Case.id).where(cases_of(person)).with_for_update()))
    if not ids:
        return 0, 0
    await _forget_staff_mail(session, ids)  # first: it reads the posts deleted next
    await session.execute(
        delete(CasePost).where(CasePost.message_id.is_not(None), CasePost.case_id.in_(ids))
    )
    await session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(ids)))
    for case in await session.scalars(select(Case).where(Case.id.in_(ids))):
        case.chat_id, case.question = "", ""
        case.user_id = case.email = case.name = case.thread = case.answer = None
        case.muted_until = None
        if case.status != "closed":  # a person may still have had it: it is over now
            case.status, case.closed_at = "closed", now
        case.updated_at = now
        session.add(CaseMessage(case_id=case.id, author="bot", text="erased", at=now))
    # Redraw the case posts, also those already shown closed, without the person's words (a
    # state no case has, not NULL: the desk skips posts shown "closed|…" and NULL compares
    # as unknown there).
    await session.execute(
        update(CasePost).where(CasePost.case_id.in_(ids)).values(shown_status="erased")
    )
    taught = await delete_rows(session, delete(LearnedAnswer).where(LearnedAnswer.case_id.in_(ids)))
    return len(ids), taught


async def _forget_staff_mail(session: AsyncSession, ids: list[int]) -> None:
    """The staff mailbox's copies: the forwards of the cases (their Message-IDs are the cases'
    e-mail posts) are deleted from the outbox, and staff replies keep no subject, which
    quotes the question's first words ("SV: Sag #3: Må min førerhund …")."""
    tables = load_models().tables
    outbox, inbound = tables["mail_outbox"], tables["mail_inbound"]
    forwards = select(CasePost.ref).where(CasePost.case_id.in_(ids), CasePost.route == "email")
    await session.execute(delete(outbox).where(outbox.c.message_id.in_(forwards)))
    await session.execute(
        update(inbound)
        .where(
            inbound.c.action == "staff",
            or_(*(inbound.c.subject.like(f"%#{case_id}:%") for case_id in ids)),
        )
        .values(subject=None)
    )


async def delete_cases(session: AsyncSession, where: ColumnElement[bool]) -> tuple[int, int]:
    """Delete cases (their messages and posts first) and what was taught from them."""
    ids = list(await session.scalars(select(Case.id).where(where)))
    if not ids:
        return 0, 0
    taught = await delete_rows(session, delete(LearnedAnswer).where(LearnedAnswer.case_id.in_(ids)))
    await session.execute(delete(CasePost).where(CasePost.case_id.in_(ids)))
    await session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(ids)))
    await session.execute(delete(Case).where(Case.id.in_(ids)))
    return len(ids), taught
