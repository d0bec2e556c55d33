"""One dialogue, many channels: drivers that talk to the bot as a person would on each channel.

A driver sends a text or presses a choice by its label and returns what the bot said, as text
with the labels of the choices offered. The stub driver calls the conversation turn directly
(no network, in the way zulip_bots test their bots with a stub handler); the others go through
a real channel adapter: the terminal chat, the Telegram Application against the fake Bot API,
the web chat's application.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from sqlalchemy import select

from bot.channels.terminal import TerminalChat
from bot.channels.web.routes import TOKEN_HEADER
from bot.conversations.messages import Choice, Incoming
from bot.conversations.models import Conversation as ConversationRow
from bot.conversations.turn import Conversation
from bot.registrations.identity import ChatId
from bot.services import Services
from tests.telegram.fake_bot_api import SentMessage
from tests.telegram.helpers import Bot, Clock


@dataclass
class Said:
    """What the bot said in one turn: all its text, and the choices it offered."""

    text: str
    choices: list[str] = field(default_factory=list)


class Driver(Protocol):
    channel: str
    chat_id: str

    async def send(self, text: str) -> Said: ...

    async def press(self, label: str) -> Said: ...


@dataclass
class StubDriver:
    """The conversation turn itself, on a channel that exists only in the test."""

    services: Services
    clock: Clock
    channel: str = "stub"
    chat_id: str = "1"
    _choices: tuple[Choice, ...] = ()

    async def _turn(self, **what: object) -> Said:
        incoming = Incoming(
            channel=self.channel,
            chat_id=self.chat_id,
            now=self.clock(),
            person=ChatId(self.channel, self.chat_id),
            name="Anna Test",
            **what,  # type: ignore[arg-type]
        )
        reply = await Conversation(self.services).handle(incoming)
        self._choices = tuple(c for say in reply.says for c in say.choices)
        return Said(reply.text, [c.label for c in self._choices])

    async def send(self, text: str) -> Said:
        return await self._turn(text=text)

    async def press(self, label: str) -> Said:
        value = next(c.value for c in self._choices if c.label == label)
        return await self._turn(choice=value)


@dataclass
class TerminalDriver:
    """The terminal chat's adapter: choices are numbered lines, a number picks one."""

    chat: TerminalChat
    channel: str = "terminal"
    _labels: list[str] = field(default_factory=list)

    @property
    def chat_id(self) -> str:
        return self.chat.chat_id

    def _said(self, text: str | None) -> Said:
        assert text is not None
        self._labels = [c.label for c in self.chat._choices]
        return Said(text, list(self._labels))

    async def send(self, text: str) -> Said:
        return self._said(await self.chat.reply(text))

    async def press(self, label: str) -> Said:
        return self._said(await self.chat.reply(str(self._labels.index(label) + 1)))


@dataclass
class TelegramDriver:
    """The real Telegram Application against the fake Bot API: messages and inline buttons."""

    bot: Bot
    chat: int = 4711
    channel: str = "telegram"
    _last: list[SentMessage] = field(default_factory=list)

    @property
    def chat_id(self) -> str:
        return str(self.chat)

    async def _said(self, send: object) -> Said:
        """The messages of one turn: the first, then any more until the chat is quiet."""
        del send
        messages = await self.bot.said(self.chat)
        while True:
            try:
                messages += await self.bot.api.wait_for_sent(
                    self.chat, timeout=0.3, predicate=lambda m: not m.is_edit
                )
            except AssertionError:  # quiet: the turn is over
                break
        self._last = messages
        text = "\n\n".join(m.text or "" for m in messages)
        return Said(text, [label for m in messages for row in m.buttons for label in row])

    async def send(self, text: str) -> Said:
        return await self._said(self.bot.api.send_text(self.chat, text))

    async def press(self, label: str) -> Said:
        message = next(m for m in reversed(self._last) if any(label in r for r in m.buttons))
        data = message.button_data(label)
        return await self._said(self.bot.api.press_button(self.chat, message.message_id, data))


BUTTON = re.compile(r'<button type="submit" name="choice" value="([^"]*)">([^<]*)</button>')
FORM_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class WebDriver:
    """The web chat's real application in process (httpx over ASGI), through its script's API:
    what a browser with JavaScript sends and gets; the browser itself is in tests/web."""

    client: httpx.AsyncClient
    page: str
    token: str = ""
    chat_id: str = ""
    channel: str = "web"
    _last: int = 0

    async def open(self, services: Services) -> None:
        """Visit the page (the welcome is said), and learn the chat's session from the store."""
        shown = await self.client.get(self.page)
        assert shown.status_code == 200, shown.text
        found = FORM_TOKEN.search(shown.text)
        assert found is not None
        self.token = found.group(1)
        async with services.db.session() as session:
            chats = list(
                await session.scalars(
                    select(ConversationRow.chat_id).where(ConversationRow.channel == self.channel)
                )
            )
        assert len(chats) == 1
        self.chat_id = chats[0]
        news = await self.client.get(f"{self.page}/api/messages", params={"after": 0})
        self._last = news.json()["last"]

    async def _post(self, body: dict[str, str]) -> Said:
        posted = await self.client.post(
            f"{self.page}/api/messages",
            json={**body, "after": self._last},
            headers={TOKEN_HEADER: self.token},
        )
        assert posted.status_code == 200, posted.text
        news = posted.json()
        self._last = news["last"]
        said = [item for item in news["items"] if not item["by_person"]]
        labels = [html.unescape(b[1]) for item in said for b in BUTTON.findall(item["html"])]
        return Said("\n\n".join(item["text"] for item in said), labels)

    async def send(self, text: str) -> Said:
        return await self._post({"message": text})

    async def press(self, label: str) -> Said:
        # The value of the button with that label, as the page holds it.
        shown = await self.client.get(self.page)
        for value, text in BUTTON.findall(shown.text):
            if html.unescape(text) == label:
                return await self._post({"choice": html.unescape(value)})
        raise LookupError(f"no choice {label!r} on the page")
