"""Telegram throughput end to end: question updates per second through a local Bot API server.

Both bots run in one process against the same fake Bot API server (tests/telegram), over real
HTTP with long polling: Deltagerbot (answering core, SQLite conversations, per-chat ordering) and
a minimal python-telegram-bot echo bot, the ceiling. The ratio is Deltagerbot's rate over the
echo bot's. Telegram's own rate limits (30 messages a second) are switched off in both, because
against the real service they, not the bot, set the pace; this measures the bot's capacity.

A third bot in the same run is the floor of any bot that answers from the knowledge: the echo
bot's handler replying with the answering core's answer to the text (no conversation, no
database, no hand-over kept). Its rate over the echo bot's is the most the ratio can be with the
answers the bot gives.

Then floods, with Telegram's limits on (one message a second per chat): one chat sends
``--flood`` questions at once, then ``--flood-chats`` chats (more than the updates handled at
once) send five each; another chat's answer time during the flood is set beside its normal
time. The flooding chats' answers are counted and checked to be in order.

    .venv/bin/python bench/telegram_bench.py [--updates 600] [--chats 30] [--rounds 3]
        [--flood 30] [--flood-chats 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.channels.telegram.app import build_application  # noqa: E402
from bot.clock import parse_aware  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, run_polling  # noqa: E402

QUESTIONS = [
    "Hvornår er der frokost?",
    "hvor foregår det",
    "Hvad er tilmeldingsfristen?",
    "hvem byder velkommen",
    "Hvad sker der kl. 11.15?",
    "Er der wifi?",
    "hvad koster det",
    "Hvad er programmet?",
    "hvornaar slutter dagen",
    "hvem kan jeg kontakte",
]
EVENT = "handicapraad-temadag-2024"
NOW = parse_aware("2024-04-01T10:00")  # the moment every bot answers at
App = Application[Any, Any, Any, Any, Any, Any]


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def text_bot(api: FakeBotAPI, handle: Callable[..., Awaitable[None]]) -> App:
    """A bare python-telegram-bot application handing every new text message to ``handle``."""
    app = api.application_builder().build()
    app.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, handle))
    return app


async def measure(api: FakeBotAPI, app: App, updates: int, chats: int, first_chat: int) -> float:
    """Updates per second from the first update queued to the last reply received."""
    async with run_polling(app):
        await api.wait_for_call("getUpdates")
        started = time.perf_counter()
        for n in range(updates):
            api.send_text(first_chat + n % chats, QUESTIONS[n % len(QUESTIONS)])
        await api.wait_for_sent(count=updates, timeout=600)
        return updates / (time.perf_counter() - started)


def bench_settings(api: FakeBotAPI, tmp: str, name: str, **extra: Any) -> Settings:
    return Settings(
        knowledge_dir=ROOT / "knowledge",
        data_dir=Path(tmp),
        database_url=f"sqlite+aiosqlite:///{tmp}/bench-{name}.sqlite3",
        telegram_token=TOKEN,
        telegram_api_url=api.base_url,
        **extra,
    )


async def choose_event(services: Services, chats: list[int]) -> None:
    """Every chat has chosen the event, as after /start with a deep link."""
    for chat in chats:
        await services.conversations.update("telegram", chat, NOW, event=EVENT)


OTHER = 9000  # the chat that asks while others flood; the flooding chats are 9001 and up
SPACING = 1.1  # between one chat's questions, so its own one-a-second limit never counts


async def ask(api: FakeBotAPI, chat: int, question: str) -> tuple[float, str]:
    """The answer's time and text."""
    started = time.perf_counter()
    api.send_text(chat, question)
    [answer] = await api.wait_for_sent(chat, timeout=600)
    return time.perf_counter() - started, answer.text or ""


async def flood(tmp: str, chats: int, size: int) -> None:
    """``chats`` chats send ``size`` questions each at once; another chat's answer times during
    the flood, beside its normal time before it."""
    questions = QUESTIONS[:5]
    flooders = [OTHER + 1 + n for n in range(chats)]
    api = FakeBotAPI()
    await api.start()
    try:
        services = await Services.start(bench_settings(api, tmp, f"flood-{chats}"))
        await choose_event(services, [OTHER, *flooders])
        clock: Callable[[], Any] = lambda: NOW  # noqa: E731
        app = build_application(services, clock=clock)  # Telegram's limits on
        async with run_polling(app):
            await api.wait_for_call("getUpdates")
            normal, expected = [], []
            for question in questions:
                seconds, text = await ask(api, OTHER, question)
                normal.append(seconds)
                expected.append(text)
                await asyncio.sleep(SPACING)
            started = time.perf_counter()
            for n in range(size):
                for chat in flooders:
                    api.send_text(chat, questions[n % len(questions)])
            await api.wait_for_sent(flooders[-1], timeout=600)  # the bot is working the flood
            during = []
            for question in questions:
                during.append((await ask(api, OTHER, question))[0])
                await asyncio.sleep(SPACING)
            await api.wait_idle(quiet=2 * SPACING, timeout=size * 3 + 60)
            drained = time.perf_counter() - started
        await services.close()
    finally:
        await api.stop()
    answered = in_order = notices = 0
    for chat in flooders:
        answers = [m.text or "" for m in api.sent(chat)]
        replies = [text for text in answers if text in expected]
        answered += len(replies)
        in_order += replies == [expected[n % len(questions)] for n in range(size)]
        notices += len(answers) - len(replies)
    target = 2 * max(normal) + 0.25
    # Telegram's limits: one message a second in a chat, 30 a second in all.
    ceiling = max(size, chats * size / 30)
    print(
        f"  flood: {chats} chat(s) send {size} questions each at once, another asks "
        f"{len(questions)} times {SPACING} s apart; Telegram's limits on"
    )
    print(
        f"    other chat answered in: normal max {max(normal):.3f} s; during the flood max "
        f"{max(during):.3f} s, median {statistics.median(during):.3f} s  "
        f"(target at most {target:.3f} s = 2 x normal + 0.25 s)"
    )
    print(
        f"    flooding chats: {answered} of {chats * size} answered, {in_order} of {chats} "
        f"chats in order, in {drained:.1f} s (ceiling {ceiling:.0f} s), {notices} notice(s)"
    )


def answering_echo(api: FakeBotAPI, services: Services) -> App:
    """The echo bot, replying with the answering core's answer: the floor's bot."""

    async def answer(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        said = services.answerer.answer(update.message.text, EVENT, "da", NOW)
        await update.message.reply_html(said.text)

    return text_bot(api, answer)


async def run(updates: int, chats: int, rounds: int, flood_size: int, flood_chats: int) -> None:
    ours: list[float] = []
    ceiling: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(rounds):
            api = FakeBotAPI()
            await api.start()
            try:
                # Each chat gets updates // chats questions at once: no "please wait" notices
                # here, so that every message counted is an answer.
                settings = bench_settings(
                    api, tmp, str(round_no), telegram_flood_notice_after=updates
                )
                services = await Services.start(settings)
                await choose_event(services, [1000 + chat for chat in range(chats)])
                clock: Callable[[], Any] = lambda: NOW  # noqa: E731
                bot = build_application(services, clock=clock, rate_limits=False)
                ours.append(await measure(api, bot, updates, chats, 1000))
                floor.append(
                    await measure(api, answering_echo(api, services), updates, chats, 7000)
                )
                await services.close()

                ceiling.append(await measure(api, text_bot(api, echo), updates, chats, 5000))
            finally:
                await api.stop()
    ratios = [a / b for a, b in zip(ours, ceiling, strict=True)]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {updates} question updates over {chats} chats, "
        f"{rounds} rounds, rate limits off"
    )
    print(
        f"  deltagerbot: median {statistics.median(ours):7.1f} updates/s  "
        f"(min {min(ours):.1f}, max {max(ours):.1f})"
    )
    print(
        f"  echo bot:    median {statistics.median(ceiling):7.1f} updates/s  "
        f"(min {min(ceiling):.1f}, max {max(ceiling):.1f})"
    )
    print(f"  ratio:       median {statistics.median(ratios):.2f}  (target at least 0.8)")
    print(
        f"  floor bot:   median {statistics.median(floor):7.1f} updates/s  "
        f"(min {min(floor):.1f}, max {max(floor):.1f}): the echo bot answering with the core"
    )
    floors = [a / b for a, b in zip(floor, ceiling, strict=True)]
    print(f"  floor ratio: median {statistics.median(floors):.2f}  (the most the ratio can be)")
    with tempfile.TemporaryDirectory() as tmp:
        if flood_size:
            await flood(tmp, 1, flood_size)
        if flood_chats:
            await flood(tmp, flood_chats, 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--updates", type=int, default=600)
    parser.add_argument("--chats", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--flood", type=int, default=30, help="one chat's flood; 0: none")
    parser.add_argument(
        "--flood-chats", type=int, default=16, help="chats sending 5 questions each; 0: none"
    )
    args = parser.parse_args()
    runner: Awaitable[None] = run(
        args.updates, args.chats, args.rounds, args.flood, args.flood_chats
    )
    asyncio.run(runner)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
