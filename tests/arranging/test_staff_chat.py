"""Needs in the staff chat, through the real Application against the fake Bot API: a signup in
Telegram whose interpreter is late alerts the staff chat at once, a later change in the person's
own words alerts the new need only, and /behov shows who needs what, arranged or not.

The theme day is Friday 31 May 2024; with a lead time of 45 working days it has begun on
1 April, when the participant signs up.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import parse_aware
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import TEMADAG, Clock
from tests.telegram.test_needs import said_with
from tests.telegram.test_staff import Staffed, bot_running, staff_settings

GRETHE = 21


@pytest.fixture
async def staffed(bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Staffed]:
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    settings = staff_settings(tmp_path, bot_api, needs_lead_working_days=45)
    async with bot_running(bot_api, settings, clock) as bot:
        yield bot


async def test_a_late_interpreter_from_a_telegram_signup_alerts_the_staff_chat(
    staffed: Staffed,
) -> None:
    bot = staffed
    await bot.ask(GRETHE, f"/start {TEMADAG}")
    await bot.ask(GRETHE, "/tilmeld")
    await bot.ask(GRETHE, "Grethe Vinther")
    await bot.ask(GRETHE, "grethe@hjoerring.dk")
    [ask_needs] = await bot.ask(GRETHE, "Handicaprådet i Hjørring Kommune")
    [noted] = await bot.press(GRETHE, ask_needs, "Tegnsprogstolk")
    [summary] = await bot.press(GRETHE, noted, "Det var alt")
    bot.api.press_button(GRETHE, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    await said_with(bot, GRETHE, "Du er tilmeldt")

    alert = await bot.posted()
    assert alert.text.startswith("Skal bestilles til Temadag for Handicaprådene")
    assert "- Grethe Vinther: tegnsprogstolk" in alert.text
    assert "Skriv /behov handicapraad-temadag-2024" in alert.text

    # A later change in her own words: the new need is alerted, the first not again.
    bot.api.send_text(GRETHE, "jeg har alligevel også brug for skrivetolk")
    await said_with(bot, GRETHE, "Vi har opdateret")
    second = await bot.posted()
    assert "- Grethe Vinther: skrivetolk" in second.text
    assert "tegnsprogstolk" not in second.text

    shown = await bot.staff_says(f"/behov {TEMADAG}")
    assert shown.text.startswith("Behov til Temadag for Handicaprådene")
    assert "Tegnsprogstolk: 1 (ordnet: 0)" in shown.text
    assert "Grethe Vinther (#" in shown.text
    assert "- tegnsprogstolk: ikke ordnet" in shown.text
    assert "- skrivetolk: ikke ordnet" in shown.text
    assert f"Markér et behov som ordnet: /ordnet {TEMADAG} NUMMER BEHOV" in shown.text

    # Marked from the staff chat: Grethe is told in her chat; the other need stays open.
    found = re.search(r"Grethe Vinther \(#(\d+)\)", shown.text)
    assert found is not None
    done = await bot.staff_says(f"/ordnet {TEMADAG} {found.group(1)} tegnsprogstolk")
    assert done.text == (
        "Tegnsprogstolk til Grethe Vinther er markeret som ordnet, og personen har fået besked."
    )
    told = await said_with(bot, GRETHE, "Vi har bestilt")
    assert told.text == (
        "Vi har bestilt tegnsprogstolk til dig til Temadag for Handicaprådene i Nordjylland – 2024."
    )
    again = await bot.staff_says(f"/ordnet {TEMADAG} {found.group(1)} tegnsprogstolk")
    assert again.text == "Intet ændret: det var allerede sådan."
    assert "ikke det behov" in (await bot.staff_says(f"/ordnet {TEMADAG} 999 kost")).text
    after = await bot.staff_says(f"/behov {TEMADAG}")
    assert "- tegnsprogstolk: ordnet " in after.text and "- skrivetolk: ikke ordnet" in after.text

    unknown = await bot.staff_says("/behov ukendt-dag")
    assert "kender ikke arrangementet ukendt-dag" in unknown.text
    assert "Skriv /behov" in unknown.text
