"""The log at INFO holds no names, addresses, ids of people or what they wrote.

A signup by Telegram and by e-mail, a question handed to staff, taken, answered and taught, an
e-mail question, the data export, the erasure and the retention job, with every record at INFO
and above captured: none may show a trace of the person.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.privacy.retention import RetentionJob
from bot.privacy.service import Privacy, Who
from bot.registrations.identity import ChatId
from bot.services import Services
from tests.privacy.conftest import KAREN, NOW, OLE, everywhere, traces

# The tests' own servers (aiosmtpd, the fake Bot API's aiohttp) log what they receive.
TEST_SERVERS = ("mail.log", "aiohttp")


def leaks(caplog: pytest.LogCaptureFixture, needles: list[str]) -> list[str]:
    """Log lines (message and any traceback) at INFO or above holding a needle; of the bot and
    every library it uses, not of the tests' own servers."""
    found = []
    for record in caplog.records:
        if record.levelno < logging.INFO or record.name.startswith(TEST_SERVERS):
            continue
        text = record.getMessage() + (record.exc_text or "")
        found += [f"{record.name}: {text}" for n in needles if n.casefold() in text.casefold()]
    return found


async def test_nothing_personal_is_logged_at_info(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await everywhere(services, KAREN)
    await everywhere(services, OLE)
    await Privacy(services).export(Who.of(email=KAREN.email), "da", NOW)
    await Privacy(services).erase(
        Who.of(chat=ChatId("telegram", str(KAREN.telegram))), channel="telegram", now=NOW
    )
    await RetentionJob(services).sweep(NOW + timedelta(days=400))
    assert len([r for r in caplog.records if r.levelno >= logging.INFO]) > 10
    assert leaks(caplog, [*traces(KAREN), *traces(OLE), "Plads til en kørestol"]) == []
