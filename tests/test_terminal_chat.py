"""The terminal chat that `python -m bot run` starts when no channel is configured.

It is a full channel on the conversation turn (the dialogues every channel shares are in
tests/conversations); here: the process as a user starts it, numbered choices, the event a
question named, what staff answer printed in the running chat, knowledge edited while it runs.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.terminal import TerminalChat
from bot.clock import parse_aware
from bot.services import Services
from bot.settings import Settings
from tests.conftest import KNOWLEDGE, read_until, run_bot, running_bot
from tests.telegram.helpers import Clock


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(
        knowledge_dir=KNOWLEDGE,
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    started = await Services.start(settings)
    try:
        yield started
    finally:
        await started.close()


def test_run_without_token_starts_the_terminal_chat_and_answers(tmp_path: Path) -> None:
    env = {"BOT_TELEGRAM_TOKEN": "", "BOT_DATA_DIR": str(tmp_path), "BOT_DATABASE_URL": ""}
    stdin = "/arrangement handicapraad-temadag-2024\nHvornår er der frokost?\n/slut\n"
    result = run_bot("run", stdin=stdin, env=env)
    assert result.returncode == 0, result.stderr
    assert "Velkommen" in result.stdout and "12.15" in result.stdout
    assert (tmp_path / "deltagerbot.sqlite3").exists()  # the embedded default, created on start


async def test_chat_chooses_events_by_number_and_switches_language(services: Services) -> None:
    chat = TerminalChat(services, clock=Clock(parse_aware("2024-04-01T10:00")), user="anna")
    greeting = await chat.greeting()
    assert "1. Temadag for Handicaprådene" in greeting  # the coming event first
    assert "Temadag for Handicaprådene" in (await chat.reply("1") or "")
    assert "12.15" in (await chat.reply("hvornår er der frokost") or "")
    assert "English" in (await chat.reply("/sprog en") or "")
    assert "12:15" in (await chat.reply("when is lunch") or "")
    assert "command" in (await chat.reply("/noget") or "")
    assert await chat.reply("/quit") is None


async def test_chat_offers_candidates_and_a_number_chooses_one(services: Services) -> None:
    chat = TerminalChat(services, clock=Clock(parse_aware("2011-06-01T10:00")), user="anna")
    await chat.greeting()
    reply = await chat.reply("hvor er temadagen") or ""
    assert "Middelfart" in reply and "Scandic" in reply and "1, 2" in reply
    first = next(line for line in reply.splitlines() if line.startswith("1. "))
    chosen = "kkr-syd-temadag-2011" if "Social innovation" in first else None
    assert "Nu taler vi om" in (await chat.reply("1") or "")
    state = await services.conversations.get("terminal", "anna")
    assert state.event is not None and (chosen is None or state.event == chosen)


async def test_a_staff_answer_is_printed_in_the_running_chat(tmp_path: Path) -> None:
    """The question goes to staff as a case; `cases answer` in another process; the running
    terminal chat prints the answer."""
    env = {"BOT_TELEGRAM_TOKEN": "", "BOT_DATA_DIR": str(tmp_path), "BOT_DATABASE_URL": ""}
    async with running_bot(env, "--now", "2024-04-01T10:00") as bot:
        assert bot.stdin is not None
        bot.stdin.write(
            "/arrangement handicapraad-temadag-2024\nMå jeg tage min hund med?\n".encode()
        )
        await bot.stdin.drain()
        out = await read_until(bot.stdout, "sekretariat")
        assert "hund" not in out.split("sekretariat")[-1]
        listed = run_bot("cases", "list", env=env)
        assert "hund" in listed.stdout, listed.stderr
        answered = run_bot("cases", "answer", "1", "Ja, hunde er velkomne.", env=env)
        assert answered.returncode == 0, answered.stderr
        assert "hunde er velkomne" in await read_until(bot.stdout, "velkomne")
        bot.stdin.write(b"/slut\n")
        await bot.stdin.drain()
        assert await asyncio.wait_for(bot.wait(), 20) == 0


async def test_knowledge_edited_while_the_chat_runs_is_used(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    settings = Settings(
        knowledge_dir=knowledge,
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    services = await Services.start(settings)
    try:
        from bot.changes.watch import KnowledgeWatch

        stop = asyncio.Event()
        watch = asyncio.create_task(KnowledgeWatch(services, poll_seconds=0.1).run(stop))
        chat = TerminalChat(services, clock=Clock(parse_aware("2024-04-01T10:00")), user="anna")
        await chat.reply("/arrangement handicapraad-temadag-2024")
        assert "12.15" in (await chat.reply("hvornår er der frokost") or "")
        path = knowledge / "handicapraad-temadag-2024.yaml"
        path.write_text(path.read_text().replace('"12:15"', '"12:45"'), encoding="utf-8")
        for _ in range(50):
            if "12.45" in (await chat.reply("hvornår er der frokost") or ""):
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the edited knowledge was not used")
        stop.set()
        await watch
    finally:
        await services.close()
