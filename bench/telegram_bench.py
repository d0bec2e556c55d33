"""Telegram throughput end to end: question updates per second through a local Bot API server.

Both bots run in one process against the same fake Bot API server (tests/telegram), over real
HTTP with long polling: Deltagerbot (answering core, SQLite conversations, per-chat ordering) and
a minimal python-telegram-bot echo bot, the ceiling. The ratio is Deltagerbot's rate over the
echo bot's. Telegram's own rate limits (30 messages a second) are switched off in both, because
against the real service they, not the bot, set the pace; this measures the bot's capacity.

    .venv/bin/python bench/telegram_bench.py [--updates 600] [--chats 30] [--rounds 3]
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
App = Application[Any, Any, Any, Any, Any, Any]


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def measure(api: FakeBotAPI, app: App, updates: int, chats: int, first_chat: int) -> float:
    """Updates per second from the first update queued to the last reply received."""
    async with run_polling(app):
        await api.wait_for_call("getUpdates")
        started = time.perf_counter()
        for n in range(updates):
            api.send_text(first_chat + n % chats, QUESTIONS[n % len(QUESTIONS)])
        await api.wait_for_sent(count=updates, timeout=600)
        return updates / (time.perf_counter() - started)


async def run(updates: int, chats: int, rounds: int) -> None:
    ours: list[float] = []
    ceiling: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(rounds):
            api = FakeBotAPI()
            await api.start()
            try:
                settings = Settings(
                    knowledge_dir=ROOT / "knowledge",
                    data_dir=Path(tmp),
                    database_url=f"sqlite+aiosqlite:///{tmp}/bench-{round_no}.sqlite3",
                    telegram_token=TOKEN,
                    telegram_api_url=api.base_url,
                )
                services = await Services.start(settings)
                # Every chat has chosen the event, as after /start with a deep link.
                for chat in range(chats):
                    await services.conversations.update(
                        "telegram",
                        1000 + chat,
                        parse_aware("2024-04-01T10:00"),
                        event="handicapraad-temadag-2024",
                    )
                clock: Callable[[], Any] = lambda: parse_aware("2024-04-01T10:00")  # noqa: E731
                bot = build_application(services, clock=clock, rate_limits=False)
                ours.append(await measure(api, bot, updates, chats, 1000))
                await services.close()

                echo_app = api.application_builder().build()
                echo_app.add_handler(
                    MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, echo)
                )
                ceiling.append(await measure(api, echo_app, updates, chats, 5000))
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
    print(f"  ratio:       median {statistics.median(ratios):.2f}  (target at least 0.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--updates", type=int, default=600)
    parser.add_argument("--chats", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runner: Awaitable[None] = run(args.updates, args.chats, args.rounds)
    asyncio.run(runner)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
