"""Telegram's limits, respected: message rate per chat and overall, and message length.

python-telegram-bot's ``AIORateLimiter`` keeps to 30 messages a second overall and 20 a minute
per group, and retries after ``RetryAfter``; Telegram also asks for no more than one message a
second in any one chat, which ``ChatRateLimiter`` adds.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from telegram.constants import MessageLimit
from telegram.ext import AIORateLimiter

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
MAX_TRACKED_CHATS = 4096


class _Spacing:
    """When the last message went to one chat; one send to it at a time, in order."""

    def __init__(self) -> None:
        self.turn = asyncio.Lock()
        self.last = -math.inf

    def idle(self, now: float, interval: float) -> bool:
        return not self.turn.locked() and now - self.last >= interval


class ChatRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` plus at most ``per_chat_rate`` messages a second in each chat.

    A message to a chat waits for the chat's turn (one send at a time, first come first served),
    then for the chat's spacing, then for the overall limits, and is sent. All of that happens
    inside ``outside_slot()``: the bot passes ``ordering.without_slot``, so the update being
    handled gives its shared slot back meanwhile, and a chat whose answers queue up at one a
    second holds up no other chat.
    """

    def __init__(
        self,
        per_chat_rate: float = 1.0,
        max_retries: int = 3,
        *,
        outside_slot: Callable[[], AbstractAsyncContextManager[Any]] = nullcontext,
        **kwargs: Any,
    ) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self._interval = 1 / per_chat_rate
        self._outside_slot = outside_slot
        self._chats: dict[int | str, _Spacing] = {}

    def _spacing(self, chat_id: int | str) -> _Spacing:
        if len(self._chats) > MAX_TRACKED_CHATS:
            # Forget idle chats; their spacing has run out, so there is nothing worth keeping.
            now = asyncio.get_running_loop().time()
            for key, spacing in list(self._chats.items()):
                if spacing.idle(now, self._interval):
                    del self._chats[key]
        return self._chats.setdefault(chat_id, _Spacing())

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        chat_id = data.get("chat_id")
        if chat_id is None or endpoint.startswith("get"):  # asking about a chat is no message
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        loop = asyncio.get_running_loop()
        # The slot is given back before the chat's turn is waited for and taken again only after
        # the turn is let go, so no one ever holds a slot while waiting for a turn, nor a turn
        # while waiting for a slot.
        async with self._outside_slot():
            spacing = self._spacing(chat_id)
            async with spacing.turn:
                wait = spacing.last + self._interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                spacing.last = loop.time()
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a long text into messages Telegram accepts, at paragraph, line or word boundaries."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit  # one very long word: cut it
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
