"""Telegram's limits, respected: message rate per chat and overall, and message length.

python-telegram-bot's ``AIORateLimiter`` keeps to 30 messages a second overall and 20 a minute
per group, and retries after ``RetryAfter``; Telegram also asks for no more than one message a
second in any one chat, which ``ChatRateLimiter`` adds.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import MessageLimit
from telegram.ext import AIORateLimiter

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
MAX_TRACKED_CHATS = 4096


class ChatRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` plus at most ``per_chat_rate`` messages a second in each chat."""

    def __init__(self, per_chat_rate: float = 1.0, max_retries: int = 3, **kwargs: Any) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self._per_chat_rate = per_chat_rate
        self._chat_limiters: dict[int | str, AsyncLimiter] = {}

    def _chat_limiter(self, chat_id: int | str) -> AsyncLimiter:
        if len(self._chat_limiters) > MAX_TRACKED_CHATS:
            # Forget idle chats; a limiter with spare capacity holds no state worth keeping.
            for key, limiter in list(self._chat_limiters.items()):
                if limiter.has_capacity():
                    del self._chat_limiters[key]
        if chat_id not in self._chat_limiters:
            self._chat_limiters[chat_id] = AsyncLimiter(1, 1 / self._per_chat_rate)
        return self._chat_limiters[chat_id]

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
        if chat_id is None:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        async with self._chat_limiter(chat_id):
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
