"""The qr command: a printable QR code of the deep link that opens the chat on an event."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import zxingcpp
from PIL import Image

from tests.conftest import ROOT, run_bot
from tests.telegram.fake_bot_api import BOT_USERNAME, TOKEN, FakeBotAPI


def test_qr_code_decodes_to_the_deep_link(tmp_path: Path) -> None:
    out = tmp_path / "invitation.png"
    result = run_bot("qr", "handicapraad-temadag-2024", "--bot", "@DeltagerBot", "--out", str(out))
    assert result.returncode == 0, result.stderr
    link = "https://t.me/DeltagerBot?start=handicapraad-temadag-2024"
    assert link in result.stdout
    [code] = zxingcpp.read_barcodes(Image.open(out).convert("L"))
    assert code.text == link


def test_qr_refuses_unknown_events_and_a_missing_username(tmp_path: Path) -> None:
    unknown = run_bot("qr", "julefrokost", "--bot", "DeltagerBot")
    assert unknown.returncode == 2 and "julefrokost" in unknown.stderr
    nameless = run_bot(
        "qr",
        "handicapraad-temadag-2024",
        env={"BOT_TELEGRAM_TOKEN": "", "BOT_TELEGRAM_BOT_USERNAME": ""},
    )
    assert nameless.returncode == 2 and "--bot" in nameless.stderr


async def test_qr_asks_telegram_for_the_username_when_not_given(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    out = tmp_path / "q.png"
    env = {
        **os.environ,
        "BOT_TELEGRAM_TOKEN": TOKEN,
        "BOT_TELEGRAM_API_URL": bot_api.base_url,
        "BOT_TELEGRAM_BOT_USERNAME": "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "qr",
        "kkr-syd-temadag-2011",
        "--out",
        str(out),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    link = f"https://t.me/{BOT_USERNAME}?start=kkr-syd-temadag-2011"
    assert link in stdout.decode()
    assert bot_api.calls("getMe")
