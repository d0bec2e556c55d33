"""The terminal chat that `python -m bot run` starts when no channel is configured."""

from __future__ import annotations

from pathlib import Path

from bot.answering import Answerer
from bot.channels.terminal import TerminalChat
from bot.clock import parse_aware
from tests.conftest import run_bot


def test_run_without_token_starts_the_terminal_chat_and_answers(tmp_path: Path) -> None:
    env = {"BOT_TELEGRAM_TOKEN": "", "BOT_DATA_DIR": str(tmp_path), "BOT_DATABASE_URL": ""}
    stdin = "/arrangement handicapraad-temadag-2024\nHvornår er der frokost?\n/slut\n"
    result = run_bot("run", stdin=stdin, env=env)
    assert result.returncode == 0, result.stderr
    assert "Hej!" in result.stdout and "12.15" in result.stdout
    assert (tmp_path / "deltagerbot.sqlite3").exists()  # the embedded default, created on start


def test_chat_session_chooses_events_by_number_and_switches_language(answerer: Answerer) -> None:
    chat = TerminalChat(answerer, clock=lambda: parse_aware("2024-04-01T10:00"))
    greeting = chat.greeting()
    assert greeting.splitlines()[1].startswith(
        "1. Temadag for Handicaprådene"
    )  # the coming event first
    assert "Temadag for Handicaprådene" in (chat.reply("1") or "")
    assert "12.15" in (chat.reply("hvornår er der frokost") or "")
    assert "English" in (chat.reply("/sprog en") or "")
    assert "12:15" in (chat.reply("when is lunch") or "")
    assert "command" in (chat.reply("/noget") or "")
    assert chat.reply("/quit") is None


def test_chat_offers_candidates_and_a_number_chooses_one(answerer: Answerer) -> None:
    chat = TerminalChat(answerer, clock=lambda: parse_aware("2011-06-01T10:00"))
    chat.greeting()
    reply = chat.reply("hvor er temadagen") or ""
    assert "Middelfart" in reply and "Scandic" in reply and "1, 2" in reply
    assert chat.event is None
    first = reply.splitlines()[1]
    chosen = "kkr-syd-temadag-2011" if "Middelfart" in first else "handicapraad-temadag-2024"
    assert "Nu taler vi om" in (chat.reply("1") or "")
    assert chat.event == chosen


def test_chat_remembers_the_event_a_question_named(answerer: Answerer) -> None:
    chat = TerminalChat(answerer, clock=lambda: parse_aware("2011-06-01T10:00"))
    assert "Middelfart" in (chat.reply("hvor er temadagen om social innovation") or "")
    assert chat.event == "kkr-syd-temadag-2011"
    assert "15.30" in (chat.reply("hvornår er der plenum") or "")
