"""What was said in each web chat, in the database, and the wake-up of pages waiting for more.

Every message is a row (``WebChatMessage``), read back in order for the page and for the script,
so a reload or a restart of the bot shows the whole conversation. A page that is open waits
(long polling) for rows newer than the last it has; :meth:`Transcript.add` wakes the waiters of
that chat at once, whether the row is an answer to the person or a staff member's answer sent
by the chat outbox. A waiter also wakes by itself after a while, so a row written by another
process is seen soon enough.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.channels.web.models import WebChatMessage
from bot.conversations.messages import Choice, Say
from bot.storage import Database
from bot.waiting import wait_for

CHANNEL = "web"
PERSON, BOT = "person", "bot"
# The newest messages a page shows; older ones stay stored until they expire.
SHOWN = 500
# Where open choices are looked for: a person answers long before this many messages pass.
RECENT = 50


@dataclass(frozen=True)
class Line:
    """One message as a page shows it (detached from the database; the file left out)."""

    id: int
    author: str
    text: str
    source: str | None = None
    choices: tuple[Choice, ...] = ()
    columns: int = 1
    lang: str | None = None
    file_name: str | None = None
    file_type: str | None = None
    page: str | None = None

    @property
    def by_person(self) -> bool:
        return self.author == PERSON


def _line(row: WebChatMessage) -> Line:
    return Line(
        id=row.id,
        author=row.author,
        text=row.text,
        source=row.source,
        choices=tuple(Choice(str(v), str(label)) for v, label in row.choices or ()),
        columns=row.columns or 1,
        lang=row.lang,
        file_name=row.file_name,
        file_type=row.file_type,
        page=row.page,
    )


def current_choices(lines: Sequence[Line]) -> Line | None:
    """The message whose choices are open: the newest with choices, unless the person has
    written since (a staff answer in between leaves them open)."""
    for line in reversed(lines):
        if line.by_person:
            return None
        if line.choices:
            return line
    return None


async def open_choices(transcript: Transcript, chat_id: str) -> Line | None:
    """The message whose choices are open now (looked for among the newest messages)."""
    return current_choices(await transcript.lines(chat_id, most=RECENT))


class Transcript:
    """The web chats' messages on the bot's database, with waiting for new ones."""

    def __init__(self, db: Database, *, recheck_seconds: float = 5.0) -> None:
        self.db = db
        self.recheck_seconds = recheck_seconds
        self._news: dict[str, asyncio.Event] = {}
        self._waiting: dict[str, int] = {}
        self.closing = asyncio.Event()

    async def add_person(
        self, chat_id: str, text: str, *, page: str | None, event: str | None, now: datetime
    ) -> Line:
        row = WebChatMessage(
            channel=CHANNEL,
            chat_id=chat_id,
            page=page,
            event_slug=event,
            author=PERSON,
            text=text,
            columns=1,
            created_at=now,
        )
        [line] = await self._store([row])
        return line

    async def add_bot(
        self,
        chat_id: str,
        says: Sequence[Say],
        *,
        lang: str | None,
        page: str | None,
        event: str | None,
        now: datetime,
    ) -> list[Line]:
        rows = [
            WebChatMessage(
                channel=CHANNEL,
                chat_id=chat_id,
                page=page,
                event_slug=event,
                author=BOT,
                text=say.text,
                source=say.source,
                choices=[[c.value, c.label] for c in say.choices] or None,
                columns=say.columns,
                lang=lang,
                file_name=say.attachment.filename if say.attachment else None,
                file_type=say.attachment.media_type if say.attachment else None,
                file_content=say.attachment.content if say.attachment else None,
                created_at=now,
            )
            for say in says
        ]
        return await self._store(rows)

    async def _store(self, rows: list[WebChatMessage]) -> list[Line]:
        if not rows:
            return []
        async with self.db.transaction() as session:
            session.add_all(rows)
            await session.flush()
            lines = [_line(row) for row in rows]
        self._wake(rows[0].chat_id)
        return lines

    async def lines(self, chat_id: str, after: int = 0, most: int = SHOWN) -> list[Line]:
        """The chat's messages newer than ``after``, oldest first (at most the newest ``most``)."""
        m = WebChatMessage
        query = (
            select(m)
            .where(m.channel == CHANNEL, m.chat_id == chat_id, m.id > after)
            .order_by(m.id.desc())
            .limit(most)
        )
        async with self.db.session() as session:
            rows = list(await session.scalars(query))
        return [_line(row) for row in reversed(rows)]

    async def has_page(self, chat_id: str, page: str) -> bool:
        """Whether the chat has been on this event's page before (and so had its welcome)."""
        m = WebChatMessage
        query = select(m.id).where(m.channel == CHANNEL, m.chat_id == chat_id, m.page == page)
        async with self.db.session() as session:
            return await session.scalar(query.limit(1)) is not None

    async def file(self, chat_id: str, line_id: int) -> tuple[str, str, bytes] | None:
        """Name, media type and content of a file in this chat (None for another chat's)."""
        m = WebChatMessage
        query = select(m.file_name, m.file_type, m.file_content).where(
            m.channel == CHANNEL, m.chat_id == chat_id, m.id == line_id
        )
        async with self.db.session() as session:
            found = (await session.execute(query)).first()
        if found is None or found[0] is None or found[2] is None:
            return None
        return str(found[0]), str(found[1] or "application/octet-stream"), bytes(found[2])

    # -- waiting for news ---------------------------------------------------------------

    def _wake(self, chat_id: str) -> None:
        news = self._news.pop(chat_id, None)
        if news is not None:
            news.set()

    def waiting(self, chat_id: str) -> int:
        return self._waiting.get(chat_id, 0)

    async def wait(self, chat_id: str, after: int, seconds: float) -> list[Line]:
        """Messages newer than ``after``, waiting up to ``seconds`` for one to come."""
        news = self._news.setdefault(chat_id, asyncio.Event())  # before reading: none missed
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while True:
                lines = await self.lines(chat_id, after)
                left = deadline - loop.time()
                if lines or left <= 0 or self.closing.is_set():
                    return lines
                await wait_for(self.closing, news, min(left, self.recheck_seconds))
                if news.is_set():
                    news = self._news.setdefault(chat_id, asyncio.Event())
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id]
                if chat_id in self._news and not self._news[chat_id].is_set():
                    del self._news[chat_id]

    def close(self) -> None:
        """End every wait (the server is stopping)."""
        self.closing.set()
