"""Needs in the Telegram signup: chosen with buttons, repeated in the confirmation, present in the
export, and changed later in the person's own words; through the real Application against the
fake Bot API server."""

from __future__ import annotations

from bot.registrations.export import export_csv
from bot.registrations.identity import Identity
from tests.telegram.fake_bot_api import SentMessage
from tests.telegram.helpers import TEMADAG, Bot


async def said_with(bot: Bot, chat: int, text: str, most: int = 4) -> SentMessage:
    """The next message that says ``text``; what else the bot sends before it (a calendar file,
    a check-in code) is passed over."""
    for _ in range(most):
        [message] = await bot.said(chat)
        if text in (message.text or ""):
            return message
    raise AssertionError(f"no message with {text!r}")


async def test_two_needs_with_buttons_are_repeated_exported_and_changed_later(
    running: Bot,
) -> None:
    await running.ask(21, f"/start {TEMADAG}")
    await running.ask(21, "/tilmeld")
    await running.ask(21, "Grethe Vinther")
    await running.ask(21, "grethe@hjoerring.dk")
    [ask_needs] = await running.ask(21, "Handicaprådet i Hjørring Kommune")
    labels = [label for row in ask_needs.buttons for label in row]
    assert "Kørestol eller rollator" in labels and "Ingen særlige behov" in labels
    [noted] = await running.press(21, ask_needs, "Kørestol eller rollator")
    assert "Noteret: kørestol eller rollator" in noted.text
    [noted] = await running.press(21, noted, "Tegnsprogstolk")
    assert "Det var alt" in [label for row in noted.buttons for label in row]
    [summary] = await running.press(21, noted, "Det var alt")
    assert "Vi har noteret: kørestol eller rollator, tegnsprogstolk." in summary.text
    running.api.press_button(21, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    confirmation = await said_with(running, 21, "Du er tilmeldt")
    assert "Vi har noteret: kørestol eller rollator, tegnsprogstolk." in confirmation.text

    registrations = running.services.registrations
    listing = await registrations.event_registrations(TEMADAG)
    event = running.services.kb.event(TEMADAG)
    exported = export_csv(listing, event).decode("utf-8-sig")
    assert "kørestol eller rollator, tegnsprogstolk" in exported

    running.api.send_text(21, "jeg har alligevel brug for skrivetolk")
    changed = await said_with(running, 21, "Vi har opdateret")
    assert "Vi har opdateret din tilmelding" in changed.text
    assert "skrivetolk" in changed.text
    [mine] = await registrations.registrations_of(
        Identity(email="grethe@hjoerring.dk"), now=running.clock()
    )
    assert mine.need_kinds == ("wheelchair", "sign_language", "writing_interpreter")
    # A question about a need is a question: nothing changes.
    running.api.send_text(21, "Har I teleslynge i salen?")
    await said_with(running, 21, "sekretariatet")  # handed over, as a question
    [same] = await registrations.registrations_of(
        Identity(email="grethe@hjoerring.dk"), now=running.clock()
    )
    assert same.need_kinds == mine.need_kinds
