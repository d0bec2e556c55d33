"""Updates of one chat in order, different chats at the same time, and one chat's flood kept to
that chat.

python-telegram-bot either processes every update in turn (one slow answer holds up everybody)
or all of them concurrently (two quick messages from one person may be answered out of order, or
race in the signup dialogue). ``PerChatUpdateProcessor`` does both right: each chat's updates
wait for their turn in the chat's own queue, holding nothing shared, and only the update whose
turn it is takes one of the shared slots. A slot is held only while the bot works: a reply that
waits for its chat's one message a second gives the slot back meanwhile (``without_slot``, used
by ``limits.ChatRateLimiter``). So a chat works its backlog with one slot at most, mostly none,
and a chat that sends a hundred messages at once never keeps the other chats, or the staff chat,
waiting.

A flood is slowed, never cut: every message is answered, in order. When more than
``notice_after`` updates of one chat are waiting, the chat is told once, in its language, that
the bot answers everything in order; it is told again only after a later flood, once the first
has been worked off.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.channels.telegram.common import CHANNEL, lang_of, send_html
from bot.i18n import translator
from bot.services import Services

log = logging.getLogger(__name__)

Notify = Callable[[Update], Awaitable[None]]
Finished = Callable[[object], Awaitable[None]]


def chat_key(update: object) -> int | None:
    """The chat an update belongs to, or None for updates outside any chat."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


@dataclass
class _Backlog:
    """One chat's updates not yet done: the one being handled and those waiting behind it."""

    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # wakes first come, first served
    pending: int = 0
    told: bool = False


class _Slot:
    """The shared slot of the update being handled, which it may give back while it waits."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots = slots
        self.held = False

    async def take(self) -> None:
        await self._slots.acquire()
        self.held = True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self._slots.release()


# The slot of the update whose handlers run in this task (each update has a task of its own).
_slot: ContextVar[_Slot | None] = ContextVar("telegram_update_slot", default=None)


@asynccontextmanager
async def without_slot() -> AsyncIterator[None]:
    """Around a wait that needs no slot (a reply waiting for its chat's turn to be sent, and
    being sent): the update's slot is given back for the wait and taken again after it. Outside
    any update, or with the slot already given back, it does nothing."""
    slot = _slot.get()
    if slot is None or not slot.held:
        yield
        return
    slot.give_back()
    try:
        yield
    finally:
        await slot.take()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Process updates concurrently across chats and strictly in order within a chat.

    There are ``max_concurrent_updates`` slots: updates the bot works on at once, each of a
    different chat. An update first waits for its chat's turn and only then for a slot, so
    waiting updates hold none, and it gives its slot back while a reply waits to be sent
    (``without_slot``). ``notify(update)`` tells a chat with more than ``notice_after`` updates
    waiting to be patient, once per flood; it runs beside the updates, so the notice comes at
    once, not at the end of the queue. ``finished(update)`` is awaited when an update's handling
    has ended, still in the chat's turn (the journal marks it done before the chat's next one).
    """

    def __init__(
        self,
        max_concurrent_updates: int = 8,
        *,
        notice_after: int | None = None,
        notify: Notify | None = None,
        finished: Finished | None = None,
    ) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be at least 1")
        # The base class takes its semaphore before ``do_process_update``, that is before the
        # chat's turn, so it must admit every update: the slots are ``self._slots``, taken
        # after the turn. (``process_update`` is final; this is how a subclass reorders them.)
        super().__init__(sys.maxsize)
        self.slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._chats: dict[int, _Backlog] = {}
        self._notice_after = notice_after
        self._notify = notify
        self._finished = finished
        self._notices: set[asyncio.Task[None]] = set()

    def waiting(self, chat_id: int) -> int:
        """How many updates of the chat are not done yet (handled now or waiting)."""
        backlog = self._chats.get(chat_id)
        return backlog.pending if backlog else 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await self._with_slot(coroutine)
            await self._end(update)
            return
        backlog = self._chats.get(key)
        if backlog is None:
            backlog = self._chats[key] = _Backlog()
        backlog.pending += 1
        self._maybe_tell(update, backlog)
        try:
            async with backlog.turn:  # the chat's turn first, holding nothing shared
                await self._with_slot(coroutine)
                await self._end(update)
        finally:
            backlog.pending -= 1
            if not backlog.pending:  # nothing queued for this chat: forget it (and its notice)
                del self._chats[key]

    async def _end(self, update: object) -> None:
        if self._finished is None:
            return
        try:
            await self._finished(update)
        except Exception:  # the update was handled; at worst it is handled again after a crash
            log.warning("could not record an update as handled", exc_info=True)

    async def _with_slot(self, coroutine: Awaitable[Any]) -> None:
        slot = _Slot(self._slots)
        await slot.take()
        token = _slot.set(slot)
        try:
            await coroutine
        finally:
            _slot.reset(token)
            slot.give_back()

    def _maybe_tell(self, update: object, backlog: _Backlog) -> None:
        if (
            self._notify is None
            or self._notice_after is None
            or backlog.told
            or backlog.pending - 1 <= self._notice_after  # the one in hand is not waiting
            or not isinstance(update, Update)
        ):
            return
        backlog.told = True
        task = asyncio.create_task(self._tell(self._notify, update), name="flood-notice")
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    @staticmethod
    async def _tell(notify: Notify, update: Update) -> None:
        try:
            await notify(update)
        except Exception:  # a notice is a courtesy; its failure must not touch the updates
            log.warning("could not tell a chat that its messages are waiting", exc_info=True)

    async def initialize(self) -> None:
        """Nothing to set up: a chat's queue is made when its first update comes."""

    async def shutdown(self) -> None:
        """Let notices still being sent finish (the updates are done when this is called)."""
        if self._notices:
            await asyncio.gather(*self._notices, return_exceptions=True)


def flood_notice(services: Services) -> Notify:
    """Tell the chat of ``update``, in its language, that its messages will all be answered."""

    async def notify(update: Update) -> None:
        chat = update.effective_chat
        assert chat is not None  # only updates of a chat are queued per chat
        lang = lang_of(update, await services.conversations.get(CHANNEL, chat.id))
        _ = translator(lang).gettext
        await send_html(
            update.get_bot(),
            chat.id,
            _(
                "You are writing faster than I can answer. "
                "I will answer everything in order - please wait a little."
            ),
        )

    return notify
