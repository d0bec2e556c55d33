"""Telegram limits and update ordering, on their own: splitting texts, one chat in order."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Chat, Message, Update, User

from bot.channels.telegram.limits import split_text
from bot.channels.telegram.ordering import PerChatUpdateProcessor


def test_split_text_keeps_every_character_and_cuts_at_boundaries() -> None:
    text = "\n\n".join(f"Afsnit {n}. " + "ord " * 300 for n in range(10))
    parts = split_text(text, limit=4096)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "".join(p.replace("\n", "").replace(" ", "") for p in parts) == text.replace(
        "\n", ""
    ).replace(" ", "")
    assert all(p.startswith("Afsnit") or p.startswith("ord") for p in parts)
    assert split_text("kort") == ["kort"]
    assert split_text("x" * 9000, limit=4096) == ["x" * 4096, "x" * 4096, "x" * 808]


def update(chat_id: int, n: int) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "U", False)
    return Update(n, message=Message(n, None, chat, from_user=user))  # type: ignore[arg-type]


async def test_one_chat_in_order_and_other_chats_not_held_up() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=8)
    done: list[tuple[int, int]] = []
    release_slow = asyncio.Event()

    async def handle(chat: int, n: int, slow: bool = False) -> None:
        if slow:
            await release_slow.wait()
        done.append((chat, n))

    async def process(u: Update, coro: Any) -> None:
        await processor.process_update(u, coro)

    async with processor:
        tasks = [
            asyncio.create_task(process(update(1, 1), handle(1, 1, slow=True))),
            asyncio.create_task(process(update(1, 2), handle(1, 2))),
            asyncio.create_task(process(update(2, 3), handle(2, 3))),
        ]
        await asyncio.sleep(0.05)
        assert done == [(2, 3)]  # chat 2 went ahead; chat 1's second message waits its turn
        release_slow.set()
        await asyncio.gather(*tasks)
    assert done == [(2, 3), (1, 1), (1, 2)]
    assert processor._locks == {}  # nothing kept for chats with nothing queued
