"""What channels call: a person's data as a report, and their erasure.

:class:`Privacy` works on the bot's :class:`~bot.services.Services` for any channel. A channel
names the person by what it knows for sure: its own id of the person's private chat (a
:class:`~bot.registrations.identity.ChatId`), or the From address of an e-mail (which the mail
system's SPF/DKIM/DMARC checks vouch for; the report goes only to that address, see the mail
channel). The channel sends the report itself (a chat message with a file, an e-mail with an
attachment).

After an erasure the knowledge is re-applied when answers taught from the person's cases were
deleted, and the chats' cached state is dropped; those promoted to the person's seats are told
on their own channel in the erasure's transaction (by the registration service).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Lang
from bot.knowledge.learned import Learned, load_learned
from bot.privacy.collect import PersonData, person_data
from bot.privacy.erase import Erased, erase_person
from bot.privacy.person import Person, find_person
from bot.privacy.report import report_json, report_text
from bot.registrations.identity import EMAIL, ChatId
from bot.services import Services

log = logging.getLogger(__name__)
AlsoInTransaction = Callable[[AsyncSession, Erased], Awaitable[None]]


@dataclass(frozen=True)
class Who:
    """How a channel knows the person: addresses, chats, or both."""

    emails: tuple[str, ...] = ()
    chats: tuple[ChatId, ...] = ()

    @classmethod
    def of(cls, *, email: str | None = None, chat: ChatId | None = None) -> Who:
        return cls((email,) if email else (), (chat,) if chat is not None else ())

    def pairs(self) -> list[tuple[str, str]]:
        """(kind, value) pairs, as identities are stored; addresses first."""
        return [(EMAIL, e) for e in self.emails] + [(c.kind, c.value) for c in self.chats]


@dataclass(frozen=True)
class Export:
    """The report to send: readable text, and the JSON file with all of it."""

    text: str
    json: bytes
    filename: str
    data: PersonData


def export_filename(lang: Lang) -> str:
    return "mine-data.json" if lang == "da" else "my-data.json"


class Privacy:
    """Exports and erasures on the bot's services."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def person(self, session: AsyncSession, who: Who) -> Person:
        return await find_person(session, who.pairs())

    async def collect(self, session: AsyncSession, who: Who) -> PersonData:
        """Everything stored about the person, in the caller's session."""
        return await person_data(session, await self.person(session, who))

    async def data(self, who: Who) -> PersonData:
        async with self.services.db.session() as session:
            return await self.collect(session, who)

    def render(self, data: PersonData, lang: Lang, now: datetime) -> Export:
        """The report of ``data`` in the person's language."""
        kb = self.services.kb

        def title(slug: str) -> str | None:
            event = kb.event(slug)
            return event.title if event else None

        text = report_text(data, lang, title, self.services.settings.retention_days, now)
        return Export(text, report_json(data, now), export_filename(lang), data)

    async def export(self, who: Who, lang: Lang, now: datetime) -> Export:
        export = self.render(await self.data(who), lang, now)
        log.info("data export made")
        return export

    async def erase(
        self,
        who: Who,
        *,
        channel: str,
        now: datetime,
        also: AlsoInTransaction | None = None,
    ) -> Erased:
        """Erase the person in one transaction (with ``also``, the channel's own record)."""
        async with self.services.db.transaction() as session:
            erased = await self.erase_in(session, who, channel=channel, now=now)
            if also is not None:
                await also(session, erased)
        return erased

    async def erase_in(
        self, session: AsyncSession, who: Who, *, channel: str, now: datetime
    ) -> Erased:
        """Erase the person in the caller's transaction; what this process keeps in memory of
        them is dropped once it commits (after a mail batch's commit, not its savepoint's)."""
        person = await self.person(session, who)
        erased = await erase_person(
            session, person, registrations=self.services.registrations, channel=channel, now=now
        )
        # Counts only: what was erased, never whose.
        log.info("erasure on %s: %s", channel, erased.counts)
        # Read in the erasing transaction, which sees its own deletions.
        learned = await load_learned(session) if erased.taught else None
        self.services.db.after_commit(session, lambda: self._committed(erased, learned))
        return erased

    def _committed(self, erased: Erased, learned: list[Learned] | None) -> None:
        """The erasure is committed: forget cached chats, answer without taught answers."""
        for channel, chat_id in erased.chats:
            self.services.conversations.forget(channel, chat_id)
        if erased.counts.get("cases"):
            self.services.cases.wakeup.set()  # the desk redraws the posts without their words
        if learned is not None:
            self.services.apply_learned(learned)
