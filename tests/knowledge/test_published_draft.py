"""From the invitation to an answer in the running bot, as a secretariat does it.

``python -m bot run`` runs (the terminal chat: no other channel is set up) with a knowledge
folder that does not yet hold the event. The invitation, a Word file, is drafted with ``knowledge
draft``; a person fills in what the source lacks; ``knowledge check`` passes; the file is
published into the folder. The bot, still running, answers about the new event: its day, time
and place, read from the invitation.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

import pytest

from evaluation.documents import write_docx
from tests.conftest import KNOWLEDGE, ROOT, read_until, run_bot, running_bot

SEED = ROOT.parent / "shared" / "seeds" / "000_f14aa4d28adb0040.txt"


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside")
async def test_a_published_draft_is_answered_by_the_running_bot(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    # Another event is there already; the new one is not.
    shutil.copy(KNOWLEDGE / "kkr-midt-konference-2021.yaml", folder)
    env = {
        "BOT_TELEGRAM_TOKEN": "",
        "BOT_DATA_DIR": str(tmp_path),
        "BOT_DATABASE_URL": "",
        "BOT_KNOWLEDGE_DIR": str(folder),
        "BOT_KNOWLEDGE_POLL_SECONDS": "0.5",
        "BOT_LOG_LEVEL": "INFO",
    }
    async with running_bot(env, "--now", "2024-05-01T10:00") as bot:
        assert bot.stdin is not None
        await read_until(bot.stdout, "Velkommen", 30)
        bot.stdin.write(b"/arrangement handicap-temadag\n")
        await bot.stdin.drain()
        before = await read_until(bot.stdout, "arrangement", 30)
        assert "31. maj 2024" not in before

        # The secretariat drafts the invitation it sent out, ...
        source = tmp_path / "invitation.docx"
        write_docx(SEED.read_text(encoding="utf-8"), source)
        draft = tmp_path / "udkast.yaml"
        drafted = run_bot(
            "knowledge", "draft", str(source), "--out", str(draft), "--id", "handicap-temadag"
        )
        assert drafted.returncode == 0, drafted.stderr
        # ... writes the organiser in place of the draft's guess, checks it with the others,
        text = re.sub(
            r"^organiser: .*$",
            "organiser: Sekretariat for Nordjysk Socialaftale",
            draft.read_text(encoding="utf-8"),
            flags=re.MULTILINE,
        )
        staged = tmp_path / "staged"
        shutil.copytree(folder, staged)
        (staged / "handicap-temadag.yaml").write_text(text, encoding="utf-8")
        checked = run_bot("knowledge", "check", "--dir", str(staged))
        assert checked.returncode == 0, checked.stderr
        # ... and publishes it into the running bot's folder (in one step, as the desk does).
        (folder / ".handicap-temadag.tmp").write_text(text, encoding="utf-8")
        os.replace(folder / ".handicap-temadag.tmp", folder / "handicap-temadag.yaml")

        await read_until(bot.stderr, "knowledge reloaded", 30)
        bot.stdin.write("/arrangement handicap-temadag\nHvornår er temadagen?\n".encode())
        await bot.stdin.drain()
        when = await read_until(bot.stdout, "31. maj 2024", 30)
        assert "11.00" in when.splitlines()[-1], when
        bot.stdin.write("Hvor foregår den?\n".encode())
        await bot.stdin.drain()
        where = await read_until(bot.stdout, "Hadsundvej 200", 30)
        assert "Scandic Aalborg Øst" in where
        bot.stdin.write(b"/slut\n")
        await bot.stdin.drain()
        assert await asyncio.wait_for(bot.wait(), 20) == 0
