"""The life of a staff case: opened by a channel, announced to staff, taken, answered, closed.

Channel-independent: a channel opens a case (in its own transaction, with the message it came
in) and asks whether a participant's chat is muted; staff adapters (the staff chat, the staff
mailbox) call ``take``, ``answer``, ``close`` and ``teach`` with the :class:`StaffMember` who
acted (given ``session=``, in the adapter's own transaction: the staff mailbox records the
e-mail that acted in the same commit). Whatever the participant must be told (the answer, that
a person has the question, that the bot answers again) is queued through
:class:`~bot.delivery.Delivery` in the same transaction as the change, so it cannot be lost or
sent for a change that did not happen.

Muting: a case a person has taken keeps the bot quiet for its participant (their messages go to
the case) until it is closed, or until ``quiet`` has passed without a staff message; then the
bot answers again and says so. The case itself stays open until a person closes it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import texts
from bot.cases.models import Case, CaseMessage, CasePost
from bot.conversations.questions import mark_staff_answered
from bot.delivery import Delivery, Recipient, Thread
from bot.knowledge.learned import Learned, LearnedAnswer, learned_from, load_learned
from bot.storage import Database

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 10_000
OPEN_STATUSES = ("new", "taken", "answered")
# What the staff desk waits on (``Database.wake``: in every instance).
DESK_SIGNAL = "staff-desk"


class CaseError(Exception):
    """A staff action that cannot be done; ``reason`` says why (for the staff's answer)."""

    def __init__(self, reason: str, case_id: int, holder: str | None = None) -> None:
        super().__init__(f"case {case_id}: {reason}")
        self.reason = reason  # not_found | closed | no_answer | no_event | taken
        self.case_id = case_id
        # For "taken": the name of the staff member who has the case.
        self.holder = holder


@dataclass(frozen=True)
class StaffMember:
    """Who acted for the secretariat: ``id`` like ``telegram:42`` or ``email:anne@kl.dk``."""

    id: str
    name: str


@dataclass(frozen=True)
class CaseInfo:
    """A case, detached from the database."""

    id: int
    channel: str
    chat_id: str
    user_id: str | None
    email: str | None
    name: str | None
    event: str | None
    question: str
    lang: str
    status: str
    taken_by: str | None
    answer: str | None
    muted_until: datetime | None
    thread: Thread | None
    created_at: datetime
    updated_at: datetime
    # The staff id of whoever has the case (``email:anne@kl.dk``, ``telegram:42``).
    taken_by_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

    def recipient(self) -> Recipient:
        """Where the participant is reached: their chat, or their e-mail thread."""
        return Recipient(self.channel, self.chat_id, self.lang, self.name, self.thread)


@dataclass(frozen=True)
class CaseEntry:
    """One message of a case's conversation."""

    id: int
    case_id: int
    author: str  # participant | staff | bot
    author_name: str | None
    text: str
    at: datetime


class CaseService:
    """Staff cases on one database; tells participants through ``delivery``."""

    def __init__(
        self, db: Database, delivery: Delivery, *, quiet: timedelta = timedelta(hours=2)
    ) -> None:
        self.db = db
        self.delivery = delivery
        self.quiet = quiet
        # Set after a commit that gave staff something new to see.
        self.wakeup = db.signal(DESK_SIGNAL)
        # Chats muted by a taken case, and until when: asked on every participant message, so
        # kept in memory (one process serves the channels, as for the conversations). Filled
        # from the database on first use and after every commit that mutes a chat; a chat found
        # here is checked in the database, so an entry gone stale costs a query, never a word.
        self._muted: dict[tuple[str, str], datetime] | None = None

    # -- opening (channels) ------------------------------------------------------------------

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
        name: str | None = None,
        thread: Thread | None = None,
    ) -> CaseInfo:
        """Record a question for staff; it stays open until a person closes it."""
        async with self.db.transaction() as session:
            return await self.add(
                session,
                channel=channel,
                chat_id=chat_id,
                question=question,
                lang=lang,
                now=now,
                event=event,
                user_id=user_id,
                email=email,
                name=name,
                thread=thread,
            )

    async def add(
        self,
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
        name: str | None = None,
        thread: Thread | None = None,
    ) -> CaseInfo:
        """Record a question for staff in the caller's transaction (with the message it came in)."""
        case = Case(
            channel=channel,
            chat_id=str(chat_id),
            user_id=None if user_id is None else str(user_id),
            email=email,
            name=name[:200] if name else None,
            event_slug=event,
            question=question[:MAX_TEXT_CHARS],
            lang=lang,
            status="new",
            thread=_thread_json(thread),
            created_at=now,
            updated_at=now,
        )
        session.add(case)
        await session.flush()
        session.add(
            CaseMessage(
                case_id=case.id,
                author="participant",
                author_name=case.name,
                text=case.question,
                at=now,
            )
        )
        self._wake_desk_after(session)
        log.info("case opened id=%d channel=%s event=%s", case.id, channel, event)
        return _info(case)

    async def muted_case(self, channel: str, chat_id: int | str, now: datetime) -> CaseInfo | None:
        """The case a person is handling for this chat, if the bot must keep quiet for it.

        A case whose quiet time has run out is handed back here (and the participant told), so
        the bot answers at once even before the periodic check has run.
        """
        muted = await self._muted_chats()
        if (channel, str(chat_id)) not in muted:
            return None
        async with self.db.session() as session:
            case = await session.scalar(
                select(Case)
                .where(
                    Case.channel == channel,
                    Case.chat_id == str(chat_id),
                    Case.status != "closed",
                    Case.muted_until.is_not(None),
                )
                .order_by(Case.muted_until.desc())
                .limit(1)
            )
        if case is None:
            muted.pop((channel, str(chat_id)), None)
            return None
        if case.muted_until is not None and case.muted_until > now:
            return _info(case)
        await self.release_quiet(now)
        return None

    async def _muted_chats(self) -> dict[tuple[str, str], datetime]:
        if self._muted is None:
            self._muted = await self._read_muted()
        return self._muted

    async def refresh_muted(self) -> None:
        """Read the muted chats again: a case taken or answered by another process (the command
        line) mutes its chat here too (the staff desk calls this on every round). Only adds: an
        entry gone stale is dropped when its chat next writes (see ``muted_case``)."""
        if self._muted is not None:  # else it is read in full on first use anyway
            self._muted.update(await self._read_muted())

    async def _read_muted(self) -> dict[tuple[str, str], datetime]:
        async with self.db.session() as session:
            rows = await session.execute(
                select(Case.channel, Case.chat_id, Case.muted_until).where(
                    Case.status != "closed", Case.muted_until.is_not(None)
                )
            )
            return {(c, chat): until for c, chat, until in rows if until is not None}

    def _mute_after_commit(self, session: AsyncSession, case: Case) -> None:
        key, until = (case.channel, case.chat_id), case.muted_until

        def remember() -> None:
            if self._muted is not None and until is not None:
                self._muted[key] = until

        self.db.after_commit(session, remember)

    async def add_participant_message(
        self, case_id: int, text: str, now: datetime, *, session: AsyncSession | None = None
    ) -> CaseInfo:
        """What the participant wrote while a person has their case: kept, and shown to staff."""
        async with self._transaction(session) as session:
            case = await self._case(session, case_id)
            session.add(
                CaseMessage(
                    case_id=case.id,
                    author="participant",
                    author_name=case.name,
                    text=text[:MAX_TEXT_CHARS],
                    at=now,
                )
            )
            case.updated_at = now
            self._wake_desk_after(session)
            return _info(case)

    # -- staff actions -----------------------------------------------------------------------

    async def take(
        self,
        case_id: int,
        staff: StaffMember,
        now: datetime,
        *,
        holders: Collection[str] | None = None,
        session: AsyncSession | None = None,
    ) -> CaseInfo:
        """A person takes the case: the bot keeps quiet for the participant, who is told.

        ``holders``, if given, are the staff ids the case may be taken from (those the staff
        member saw have it): taken by anyone else, CaseError "taken" naming who.
        """
        async with self._transaction(session) as session:
            case = await self._open_case(session, case_id)
            _check_holder(case, staff, holders)
            first = case.taken_by_id is None
            case.taken_by, case.taken_by_id = staff.name, staff.id
            if case.status == "new":
                case.status = "taken"
            case.muted_until = now + self.quiet
            case.updated_at = now
            self._mute_after_commit(session, case)
            if first:
                await self._tell(session, case, texts.taken_text(case.lang), "taken", now)
            self._wake_desk_after(session)
            log.info("case taken id=%d", case.id)
            return _info(case)

    async def answer(
        self,
        case_id: int,
        staff: StaffMember,
        text: str,
        now: datetime,
        *,
        session: AsyncSession | None = None,
        holders: Collection[str] | None = None,
    ) -> CaseInfo:
        """A staff answer: relayed to the participant on their channel, kept with the case.

        ``holders``, if given: the case must be free, the staff member's, or one of these
        staff ids'; else CaseError "taken" naming who has it.
        """
        text = text.strip()[:MAX_TEXT_CHARS]
        async with self._transaction(session) as session:
            case = await self._open_case(session, case_id)
            _check_holder(case, staff, holders)
            session.add(
                CaseMessage(
                    case_id=case.id, author="staff", author_name=staff.name, text=text, at=now
                )
            )
            case.answer = text
            case.status = "answered"
            if case.taken_by_id is None:
                case.taken_by, case.taken_by_id = staff.name, staff.id
            case.muted_until = now + self.quiet
            case.updated_at = now
            self._mute_after_commit(session, case)
            await self._tell(session, case, texts.relay_text(text, case.lang), "relay", now)
            await mark_staff_answered(session, case.id)
            self._wake_desk_after(session)
            log.info("case answered id=%d", case.id)
            return _info(case)

    async def close(
        self,
        case_id: int,
        staff: StaffMember,
        now: datetime,
        *,
        session: AsyncSession | None = None,
        holders: Collection[str] | None = None,
    ) -> CaseInfo:
        """A person closes the case; a muted participant is told the bot answers again.

        ``holders`` as for ``take``: a case someone else took meanwhile is not closed.
        """
        async with self._transaction(session) as session:
            case = await self._case(session, case_id)
            if case.status == "closed":
                raise CaseError("closed", case_id)
            _check_holder(case, staff, holders)
            if case.muted_until is not None:
                await self._tell(session, case, texts.closed_text(case.lang), "handback", now)
            case.status, case.closed_at, case.muted_until = "closed", now, None
            if case.taken_by_id is None:
                case.taken_by, case.taken_by_id = staff.name, staff.id
            case.updated_at = now
            self._wake_desk_after(session)
            log.info("case closed id=%d", case.id)
            return _info(case)

    async def teach(
        self,
        case_id: int,
        staff: StaffMember,
        now: datetime,
        *,
        session: AsyncSession | None = None,
    ) -> Learned:
        """Keep the case's question and staff answer as a question-and-answer for its event.

        The caller applies it to the knowledge once committed (``Services.teach`` does).
        """
        async with self._transaction(session) as session:
            case = await self._case(session, case_id)
            if not case.answer:
                raise CaseError("no_answer", case_id)
            if not case.event_slug:
                raise CaseError("no_event", case_id)
            row = LearnedAnswer(
                event_slug=case.event_slug,
                question=case.question[:1000],
                answer=case.answer,
                lang=case.lang,
                case_id=case.id,
                created_by=staff.name,
                created_at=now,
            )
            session.add(row)
            session.add(
                CaseMessage(
                    case_id=case.id,
                    author="bot",
                    author_name=staff.name,
                    text="taught",
                    at=now,
                )
            )
            case.updated_at = now
            await session.flush()
            self._wake_desk_after(session)
            log.info("case taught id=%d event=%s", case.id, case.event_slug)
            return learned_from(row)

    async def release_quiet(self, now: datetime) -> list[CaseInfo]:
        """Hand back every participant whose case has been quiet too long; each is told."""
        async with self.db.transaction() as session:
            cases = list(
                await session.scalars(
                    select(Case)
                    .where(
                        Case.status != "closed",
                        Case.muted_until.is_not(None),
                        Case.muted_until <= now,
                    )
                    .with_for_update()
                )
            )
            for case in cases:
                case.muted_until = None
                case.updated_at = now
                await self._tell(session, case, texts.quiet_text(case.lang), "handback", now)
                log.info("case handed back after quiet time id=%d", case.id)
            if cases:
                self._wake_desk_after(session)
            return [_info(c) for c in cases]

    # -- reading -----------------------------------------------------------------------------

    async def get(self, case_id: int) -> CaseInfo | None:
        async with self.db.session() as session:
            case = await session.get(Case, case_id)
            return _info(case) if case else None

    async def open_cases(self) -> list[CaseInfo]:
        """Cases not yet closed, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(Case).where(Case.status != "closed").order_by(Case.created_at, Case.id)
            )
            return [_info(row) for row in rows]

    async def all_cases(self) -> list[CaseInfo]:
        """Every case, the closed ones too, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(select(Case).order_by(Case.created_at, Case.id))
            return [_info(row) for row in rows]

    async def conversation(self, case_id: int) -> list[CaseEntry]:
        """Everything said in the case, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
            )
            return [_entry(row) for row in rows]

    async def learned(self) -> list[Learned]:
        """Everything staff have taught, oldest first."""
        async with self.db.session() as session:
            return await load_learned(session)

    # -- where staff saw what (for the staff adapters) --------------------------------------

    async def case_of_post(self, route: str, refs: Sequence[str]) -> int | None:
        """The case a staff post (or a forward of one of its messages) belongs to."""
        if not refs:
            return None
        async with self.db.session() as session:
            found: int | None = await session.scalar(
                select(CasePost.case_id)
                .where(CasePost.route == route, CasePost.ref.in_(list(refs)))
                .order_by(CasePost.id.desc())
                .limit(1)
            )
            return found

    async def unannounced(self, route: str) -> list[CaseInfo]:
        """Open cases not yet posted on ``route``."""
        async with self.db.session() as session:
            posted = exists().where(
                and_(
                    CasePost.case_id == Case.id,
                    CasePost.route == route,
                    CasePost.message_id.is_(None),
                )
            )
            rows = await session.scalars(
                select(Case).where(Case.status != "closed", ~posted).order_by(Case.id)
            )
            return [_info(r) for r in rows]

    async def unposted_messages(self, route: str) -> list[tuple[CaseInfo, CaseEntry, str]]:
        """Participant messages after the question, not yet posted on ``route``.

        With each: its case and the ref of the case's post there (to reply to it).
        """
        async with self.db.session() as session:
            case_post = (
                select(CasePost.case_id, CasePost.ref)
                .where(CasePost.route == route, CasePost.message_id.is_(None))
                .subquery()
            )
            posted = exists().where(
                and_(CasePost.message_id == CaseMessage.id, CasePost.route == route)
            )
            # The first message of a case is its question, shown in the case post itself.
            questions = select(func.min(CaseMessage.id)).group_by(CaseMessage.case_id)
            rows = await session.execute(
                select(Case, CaseMessage, case_post.c.ref)
                .join(CaseMessage, CaseMessage.case_id == Case.id)
                .join(case_post, case_post.c.case_id == Case.id)
                .where(
                    CaseMessage.author == "participant",
                    CaseMessage.id.not_in(questions),
                    ~posted,
                )
                .order_by(CaseMessage.id)
            )
            return [(_info(c), _entry(m), ref) for c, m, ref in rows]

    async def stale_posts(self, route: str) -> list[tuple[CaseInfo, str]]:
        """Case posts on ``route`` that show an older state than the case has now."""
        async with self.db.session() as session:
            rows = await session.execute(
                select(Case, CasePost)
                .join(CasePost, CasePost.case_id == Case.id)
                .where(
                    CasePost.route == route,
                    CasePost.message_id.is_(None),
                    # A closed case shown closed never changes again: the check stays small.
                    ~and_(Case.status == "closed", CasePost.shown_status.like("closed|%")),
                )
                .order_by(CasePost.id)
            )
            return [
                (_info(case), post.ref)
                for case, post in rows
                if post.shown_status != texts.state_key(_info(case))
            ]

    async def record_post(
        self,
        case: CaseInfo,
        route: str,
        ref: str,
        now: datetime,
        message_id: int | None = None,
    ) -> None:
        """Remember where staff saw the case (or one of its messages); once per ref."""
        async with self.db.transaction() as session:
            known = await session.scalar(
                select(CasePost.id).where(CasePost.route == route, CasePost.ref == ref)
            )
            if known is not None:  # a board that gives the same ref again (e-mail does)
                return
            session.add(
                CasePost(
                    case_id=case.id,
                    message_id=message_id,
                    route=route,
                    ref=ref,
                    shown_status=texts.state_key(case) if message_id is None else None,
                    at=now,
                )
            )

    async def record_shown(self, case: CaseInfo, route: str, ref: str) -> None:
        """The post on ``route`` now shows the case as it is."""
        async with self.db.transaction() as session:
            post = await session.scalar(
                select(CasePost).where(CasePost.route == route, CasePost.ref == ref)
            )
            if post is not None:
                post.shown_status = texts.state_key(case)

    # -- helpers -----------------------------------------------------------------------------

    @asynccontextmanager
    async def _transaction(self, session: AsyncSession | None) -> AsyncIterator[AsyncSession]:
        """The caller's transaction if given (a channel recording the message that acted in
        the same commit), else one of our own."""
        if session is not None:
            yield session
            return
        async with self.db.transaction() as own:
            yield own

    async def _case(self, session: AsyncSession, case_id: int) -> Case:
        case = await session.get(Case, case_id, with_for_update=True)
        if case is None:
            raise CaseError("not_found", case_id)
        return case

    async def _open_case(self, session: AsyncSession, case_id: int) -> Case:
        case = await self._case(session, case_id)
        if case.status == "closed":
            raise CaseError("closed", case_id)
        return case

    async def _tell(
        self, session: AsyncSession, case: Case, text: str, kind: str, now: datetime
    ) -> None:
        info = _info(case)
        if not self.delivery.reaches(info.channel):
            log.warning("case %d: no way to reach channel %s", case.id, info.channel)
            return
        await self.delivery.queue(
            session, info.recipient(), text, kind=kind, now=now, event=case.event_slug
        )

    def _wake_desk_after(self, session: AsyncSession) -> None:
        self.db.wake_after_commit(session, DESK_SIGNAL)


def _check_holder(case: Case, staff: StaffMember, holders: Collection[str] | None) -> None:
    """Refuse (CaseError "taken", naming who) a case held by another than ``staff`` and
    ``holders``; no check without ``holders``."""
    if holders is None or case.taken_by_id is None:
        return
    if case.taken_by_id != staff.id and case.taken_by_id not in holders:
        raise CaseError("taken", case.id, case.taken_by)


def _thread_json(thread: Thread | None) -> dict[str, Any] | None:
    if thread is None:
        return None
    return {
        "message_id": thread.message_id,
        "references": list(thread.references),
        "subject": thread.subject,
    }


def _info(case: Case) -> CaseInfo:
    thread = None
    if case.thread:
        thread = Thread(
            case.thread.get("message_id", ""),
            tuple(case.thread.get("references", ())),
            case.thread.get("subject", ""),
        )
    return CaseInfo(
        id=case.id,
        channel=case.channel,
        chat_id=case.chat_id,
        user_id=case.user_id,
        email=case.email,
        name=case.name,
        event=case.event_slug,
        question=case.question,
        lang=case.lang,
        status=case.status,
        taken_by=case.taken_by,
        answer=case.answer,
        muted_until=case.muted_until,
        thread=thread,
        created_at=case.created_at,
        updated_at=case.updated_at,
        taken_by_id=case.taken_by_id,
    )


def _entry(row: CaseMessage) -> CaseEntry:
    return CaseEntry(row.id, row.case_id, row.author, row.author_name, row.text, row.at)
