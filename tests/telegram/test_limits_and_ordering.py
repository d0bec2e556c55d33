"""Telegram limits and update ordering, on their own: splitting texts, one chat in order, waiting
updates holding no slot, a flood told once."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Chat, Message, Update, User

from bot.channels.telegram.limits import split_text
from bot.channels.telegram.ordering import PerChatUpdateProcessor, without_slot


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
    assert processor._chats == {}  # nothing kept for chats with nothing queued


async def test_updates_waiting_for_their_chat_hold_no_slot() -> None:
    # Two slots; chat 1 has twenty updates, its first one slow. Waiting for their turn, the
    # other nineteen must not take the second slot from chats 2 and 3.
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    done: list[tuple[int, int]] = []
    release = asyncio.Event()

    async def handle(chat: int, n: int) -> None:
        if chat == 1 and n == 0:
            await release.wait()
        done.append((chat, n))

    async with processor:
        flood = [
            asyncio.create_task(processor.process_update(update(1, n), handle(1, n)))
            for n in range(20)
        ]
        await asyncio.sleep(0.01)
        assert processor.waiting(1) == 20
        others = [
            asyncio.create_task(processor.process_update(update(chat, 0), handle(chat, 0)))
            for chat in (2, 3)
        ]
        async with asyncio.timeout(1):
            await asyncio.gather(*others)
        assert done == [(2, 0), (3, 0)]
        release.set()
        await asyncio.gather(*flood)
    assert done[2:] == [(1, n) for n in range(20)]
    assert processor.waiting(1) == 0


async def test_a_flood_is_told_once_and_again_only_after_it_was_worked_off() -> None:
    told: list[int] = []

    async def notify(u: Update) -> None:
        assert u.effective_chat is not None
        told.append(u.effective_chat.id)

    processor = PerChatUpdateProcessor(max_concurrent_updates=4, notice_after=3, notify=notify)
    release = asyncio.Event()

    async def handle() -> None:
        await release.wait()

    async def burst(chat: int, count: int) -> None:
        release.clear()
        tasks = [
            asyncio.create_task(processor.process_update(update(chat, n), handle()))
            for n in range(count)
        ]
        await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*tasks)
        await asyncio.sleep(0)  # let the notice task run

    async with processor:
        await burst(1, 4)  # the one in hand and three waiting: not more than three
        assert told == []
        await burst(1, 30)
        assert told == [1]  # once for thirty
        await burst(2, 5)
        assert told == [1, 2]
        await burst(1, 5)  # a new flood, after the first was worked off
        assert told == [1, 2, 1]


async def test_a_failing_notice_changes_nothing_for_the_updates() -> None:
    async def notify(u: Update) -> None:
        raise RuntimeError("Telegram is down")

    processor = PerChatUpdateProcessor(max_concurrent_updates=1, notice_after=1, notify=notify)
    done: list[int] = []

    async def handle(n: int) -> None:
        done.append(n)

    async with processor:
        await asyncio.gather(*(processor.process_update(update(1, n), handle(n)) for n in range(5)))
    assert done == [0, 1, 2, 3, 4]


async def test_an_update_waiting_without_its_slot_lets_another_chat_in() -> None:
    # One slot. Chat 1's handler waits (as for its chat's second) inside without_slot: chat 2
    # is handled meanwhile, and chat 1 goes on only with the slot back.
    processor = PerChatUpdateProcessor(max_concurrent_updates=1)
    events: list[str] = []
    sent = asyncio.Event()

    async def waits_to_send() -> None:
        async with without_slot():
            events.append("1 waits")
            await sent.wait()
        events.append("1 goes on")

    async def quick() -> None:
        events.append("2 handled")
        sent.set()

    async with processor:
        first = asyncio.create_task(processor.process_update(update(1, 1), waits_to_send()))
        await asyncio.sleep(0.01)
        async with asyncio.timeout(1):
            await processor.process_update(update(2, 2), quick())
        await first
    assert events == ["1 waits", "2 handled", "1 goes on"]
    async with without_slot():  # outside any update: nothing to give back
        pass
