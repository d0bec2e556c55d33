"""The web chat's side of the conversation: a message or a choice in, the answers kept.

Each browser session is one chat (``chat_id`` the session id) and one person
(``ChatId("web", session id)``): the web chat vouches only that it is the same browser, so what
a person may see of their registrations is what this chat has proven, as on every channel.
Messages of one chat are handled one at a time, in order (a lock per chat); different chats in
parallel. Before a message is handled, the rate limits of its chat and of its client address
are asked, and the length checked; a refusal is said politely and the message is not kept, so
the person can send it again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.channels.web.texts import slow_text, stale_choice_text, too_long_text
from bot.channels.web.transcript import CHANNEL, Line, Transcript, open_choices
from bot.conversations.messages import Choice, Incoming, Reply, Say
from bot.i18n import Lang, normalise_lang, translator
from bot.knowledge.schema import Event
from bot.registrations.identity import ChatId
from bot.services import Services
from bot.web.limits import RateLimiter

log = logging.getLogger(__name__)

# Always offered: the language buttons at the top of the page.
LANGUAGE_CHOICES = {"lang:da": "Dansk", "lang:en": "English"}


class Turn(Protocol):
    """The conversation turn (``bot.conversations.turn.Conversation``)."""

    async def handle(self, incoming: Incoming) -> Reply: ...


@dataclass(frozen=True)
class Said:
    """What came of a person's message: the new lines, or a polite refusal (``notice``)."""

    lang: Lang
    lines: list[Line] = field(default_factory=list)
    notice: str | None = None
    status: int = 200


def short_id(session_id: str) -> str:
    """A session's name in the logs: a hash, never the id itself (which is the cookie)."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:8]


class WebChat:
    """The web chats, on the bot's services and the transcript."""

    def __init__(
        self,
        services: Services,
        transcript: Transcript,
        *,
        turn: Turn | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if turn is None:
            from bot.conversations.turn import Conversation

            turn = Conversation(services)
        self.services = services
        self.settings = services.settings
        self.transcript = transcript
        self.turn = turn
        # The services' clock by default, read at each message (``run --now`` sets it).
        self.clock = clock or (lambda: services.clock())
        settings = services.settings
        self.per_session = RateLimiter(settings.web_session_rate, settings.web_session_burst)
        self.per_address = RateLimiter(settings.web_address_rate, settings.web_address_burst)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, session_id: str) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[session_id] = lock
        return lock

    async def lang(self, session_id: str | None) -> Lang:
        """The language the chat speaks: the person's choice, else the default (Danish)."""
        chosen = None
        if session_id is not None:
            chosen = (await self.services.conversations.get(CHANNEL, session_id)).lang
        return normalise_lang(chosen or self.settings.default_language)

    def new_chat_allowed(self, address: str) -> bool:
        """A new session counts against its address (a script making chats is slowed)."""
        return self.per_address.take(address)

    async def open(self, session_id: str, event: Event) -> None:
        """A visit to an event's page: the first one says the welcome, as ``/start SLUG``."""
        async with self._lock(session_id):
            if await self.transcript.has_page(session_id, event.id):
                return
            reply = await self._handle(self._incoming(session_id, text=f"/start {event.id}"))
            await self._keep(session_id, reply, page=event.id)
            log.info("web chat: opened on %s session=%s", event.id, short_id(session_id))

    async def say(
        self,
        session_id: str,
        page: str,
        *,
        address: str,
        text: str = "",
        choice: str | None = None,
    ) -> Said:
        """Handle a typed message or a pressed choice; the new lines, or why not."""
        lang = await self.lang(session_id)
        limit = self.settings.web_max_message_chars
        if choice is None and len(text) > limit:
            return Said(lang, notice=too_long_text(lang, limit), status=413)
        # The chat's own limit first: a flooding chat never uses up its address's.
        if not self.per_session.take(session_id) or not self.per_address.take(address):
            log.info("web chat: slowed down session=%s", short_id(session_id))
            return Said(lang, notice=slow_text(lang), status=429)
        async with self._lock(session_id):
            shown = text.strip()
            if choice is not None:
                label = (await self.offered(session_id)).get(choice)
                if label is None:
                    return Said(lang, notice=stale_choice_text(lang), status=409)
                shown = label
            state = await self.services.conversations.get(CHANNEL, session_id)
            now = self.clock()
            person = await self.transcript.add_person(
                session_id, shown, page=page, event=state.event, now=now
            )
            what = {"choice": choice} if choice is not None else {"text": text}
            reply = await self._handle(self._incoming(session_id, now=now, **what))
            answers = await self._keep(session_id, reply, page=page)
        log.info("web chat: answered session=%s lines=%d", short_id(session_id), len(answers))
        return Said(reply.lang, [person, *answers])

    async def offered(self, session_id: str) -> dict[str, str]:
        """The choices the person may press now (value -> label)."""
        current = await open_choices(self.transcript, session_id)
        choices = dict(LANGUAGE_CHOICES)
        if current is not None:
            choices.update((c.value, c.label) for c in current.choices)
        return choices

    def _incoming(
        self,
        session_id: str,
        *,
        now: datetime | None = None,
        text: str = "",
        choice: str | None = None,
    ) -> Incoming:
        return Incoming(
            channel=CHANNEL,
            chat_id=session_id,
            now=now or self.clock(),
            person=ChatId(CHANNEL, session_id),
            text=text,
            choice=choice,
            private=True,
        )

    async def _handle(self, incoming: Incoming) -> Reply:
        """The turn's reply; an error is logged and the person told, not left without answer."""
        try:
            return await self.turn.handle(incoming)
        except Exception:
            log.exception("web chat: error while handling a message")
            lang = await self.lang(incoming.chat_id)
            _ = translator(lang).gettext
            sorry = _("Sorry, something went wrong on my side. Please try again in a moment.")
            return Reply((Say(sorry),), lang)

    async def _keep(self, session_id: str, reply: Reply, *, page: str | None) -> list[Line]:
        state = await self.services.conversations.get(CHANNEL, session_id)
        return await self.transcript.add_bot(
            session_id, reply.says, lang=reply.lang, page=page, event=state.event, now=self.clock()
        )

    async def relay(self, session_id: str, text: str) -> None:
        """A message the bot sends on its own (a staff answer), from the chat outbox."""
        await self.relay_choices(session_id, text, ())

    async def relay_choices(
        self, session_id: str, text: str, choices: tuple[tuple[str, str], ...]
    ) -> None:
        """The same with buttons (the evaluation's first question): pressed, they are choices."""
        state = await self.services.conversations.get(CHANNEL, session_id)
        await self.transcript.add_bot(
            session_id,
            [Say(text, tuple(Choice(value, label) for value, label in choices))],
            lang=state.lang,
            page=None,
            event=state.event,
            now=self.clock(),
        )
