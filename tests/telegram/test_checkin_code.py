"""The check-in code in Telegram: the confirmation's text gives it, and a picture of its QR code
follows with the same code as its caption; a certificate of participation is sent as a PDF only
to someone checked in at the event, and refused politely before. Through the real Application
against the fake Bot API server."""

from __future__ import annotations

import io
import re

import pdfplumber

from bot.attendance import Attendance, CheckInOutcome, qr_png
from bot.clock import parse_aware
from bot.services import Services
from tests.telegram.fake_bot_api import SentMessage
from tests.telegram.helpers import TEMADAG, Bot

CODE = re.compile(r"Din kode til indtjekning: ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")


async def next_by(bot: Bot, chat: int, method: str, most: int = 4) -> SentMessage:
    for _ in range(most):
        [message] = await bot.said(chat)
        if message.method == method:
            return message
    raise AssertionError(f"no {method}")


async def test_the_code_comes_as_a_picture_and_the_certificate_only_after_check_in(
    running: Bot,
) -> None:
    await running.ask(31, f"/start {TEMADAG}")
    await running.ask(31, "/tilmeld")
    await running.ask(31, "Karen Holm")
    await running.ask(31, "karen@jammerbugt.dk")
    [needs] = await running.ask(31, "Handicaprådet i Jammerbugt")
    [summary] = await running.press(31, needs, "Ingen særlige behov")
    running.api.press_button(31, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    confirmation = await next_by(running, 31, "sendMessage")
    assert "Du er tilmeldt" in (confirmation.text or "")
    written = re.search(r"Din kode til indtjekning er (\S+)\.", confirmation.text or "")
    assert written is not None
    picture = await next_by(running, 31, "sendPhoto")
    shown = CODE.fullmatch(picture.text or "")
    assert shown is not None and shown.group(1) == written.group(1)
    assert picture.file is not None
    assert picture.file.content == qr_png(shown.group(1).replace("-", ""))

    # Not checked in (yet): no certificate, said politely.
    [refused] = await running.ask(31, "Kan jeg få et kursusbevis?")
    assert refused.method == "sendMessage"
    assert "kun give et kursusbevis til dem, der blev tjekket ind" in (refused.text or "")

    services: Services = running.services
    checked = await Attendance(services.db, services.clock).check_in_code(
        TEMADAG, shown.group(1), by="Anne Sekretær"
    )
    assert checked.outcome is CheckInOutcome.CHECKED_IN and checked.name == "Karen Holm"

    running.clock.at = parse_aware("2024-06-01T10:00:00+02:00")
    running.api.send_text(31, "kan jeg få et kursusbevis?")
    [said] = await running.said(31)
    assert (
        said.text == "Her er dit kursusbevis for Temadag for Handicaprådene i Nordjylland – 2024."
    )
    document = await next_by(running, 31, "sendDocument")
    assert document.file is not None and document.file.filename.endswith(".pdf")
    with pdfplumber.open(io.BytesIO(document.file.content)) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Kursusbevis" in text and "Karen Holm" in text and "har deltaget i" in text
