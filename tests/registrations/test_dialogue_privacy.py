"""A chat that gives someone else's address and goes on without the code learns nothing of them.

The signup is made on the address alone; the outcome (with the name, organisation and needs on
record, and the calendar file) goes by e-mail to the address, and the chat hears the same words
whether the address was registered, new or on the waiting list. Through the channel-independent
dialogue, as the bot wires it, on SQLite and PostgreSQL; ``tests/telegram/test_signup_privacy.py``
does the same through the real Telegram Application.
"""

from __future__ import annotations

import pytest

from bot.registrations.confirmation import message_for
from bot.registrations.dialogue import SKIP, YES, Turn
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId, Identity
from bot.registrations.results import Outcome
from bot.services import Services
from tests.registrations.chat_signup import (
    KAREN,
    MALLORY,
    NOW,
    SENT_TO_THE_ADDRESS,
    Someone,
    chat_dialogue,
    codes_to,
    confirmations_to,
    mails_to,
    the_event,
    unproven_answers,
    walk,
)


async def karen_signs_up(services: Services, how: str) -> None:
    """Karen signs up for the theme day, by e-mail or in her own chat, with her needs."""
    event = the_event(services)
    if how == "email":
        form = SignupForm(KAREN.name, KAREN.email, KAREN.organisation, needs=KAREN.needs)
        await services.registrations.signup(event, form, channel="email", now=NOW)
        return
    answers = [KAREN.name, KAREN.email, KAREN.organisation, KAREN.needs, YES]
    turns = await walk(chat_dialogue(services), event, answers, KAREN.chat)
    assert "Du er tilmeldt" in turns[-1].text  # her own new address: no code, her own answer


def seen_by_chat(turns: list[Turn]) -> str:
    return "\n".join(t.text + "".join(c.label for c in t.choices) for t in turns)


@pytest.mark.parametrize("how", ["email", "chat"])
async def test_someone_elses_registration_is_never_shown_in_the_chat(
    bot_services: Services, how: str
) -> None:
    services = bot_services
    await karen_signs_up(services, how)
    event = the_event(services)
    turns = await walk(
        chat_dialogue(services), event, unproven_answers(MALLORY, KAREN.email), MALLORY.chat
    )
    assert "sendt en kode til karen.holmgaard@aalborg.dk" in turns[2].text
    last = turns[-1]
    # The chat is told what it did, nothing more: no name, organisation, needs, status or file.
    assert last.text == SENT_TO_THE_ADDRESS
    assert last.state is None and last.message is None and last.result is None
    seen = seen_by_chat(turns)
    assert [t for t in KAREN.traces() if t in seen] == []
    assert "allerede" not in seen
    # /mine and /afmeld in that chat know nothing of Karen's registration either.
    mallory = Identity(chat=ChatId("telegram", str(MALLORY.chat)))
    assert await services.registrations.registrations_of(mallory, now=NOW) == []
    cancelled = await services.registrations.cancel(event, mallory, channel="telegram", now=NOW)
    assert cancelled.outcome is Outcome.NOT_REGISTERED
    said = message_for(cancelled, event, lang="da", channel="telegram").text
    assert [t for t in KAREN.traces() if t in said] == []
    # Karen is told at her address: the code, then that she is already registered, with her
    # own details and the calendar file. Her registration is untouched.
    [code] = await codes_to(services, KAREN.email)
    [confirmation] = await confirmations_to(services, KAREN.email)
    assert [m.id for m in await mails_to(services, KAREN.email)] == [code.id, confirmation.id]
    assert "Du er allerede tilmeldt" in confirmation.body and KAREN.needs in confirmation.body
    assert confirmation.ics is not None and "skrevet ved en tilmelding i vores chat" in (
        confirmation.body
    )
    [karen] = await services.registrations.registrations_of(Identity(email=KAREN.email), now=NOW)
    assert (karen.name, karen.needs, karen.status.value) == (KAREN.name, KAREN.needs, "registered")
    expected_link = ChatId("telegram", str(KAREN.chat)) if how == "chat" else None
    assert karen.chat == expected_link  # never Mallory's chat


async def test_the_chat_hears_the_same_whether_the_address_is_registered_waiting_or_new(
    bot_services: Services,
) -> None:
    services = bot_services
    full = the_event(services, "fuld-dag")  # one seat
    anna = Someone("Anna Ager", "anna@rebild.dk", "Handicaprådet i Rebild", "Diabetes", 201)
    bo = Someone("Bo Bech", "bo@thisted.dk", "Ældrerådet i Thisted", "Høreapparat", 202)
    for person in (anna, bo):  # Anna has the one seat, Bo waits
        form = SignupForm(person.name, person.email, person.organisation, needs=person.needs)
        await services.registrations.signup(full, form, channel="email", now=NOW)
    dialogue = chat_dialogue(services, prove_new_addresses=True)
    addresses = {"registered": anna.email, "waiting": bo.email, "new": "ny@aalborg.dk"}
    seen: dict[str, list[str]] = {}
    for kind, address in addresses.items():
        turns = await walk(dialogue, full, unproven_answers(MALLORY, address), MALLORY.chat)
        seen[kind] = [seen_by_chat([t]).replace(address, "<address>") for t in turns]
    assert seen["registered"] == seen["waiting"] == seen["new"]
    assert seen["new"][-1] == SENT_TO_THE_ADDRESS
    for person in (anna, bo):
        assert [t for t in person.traces() if t in "\n".join(seen["registered"])] == []
    # Each address was told its own outcome.
    [anna_mail] = await confirmations_to(services, anna.email)
    [bo_mail] = await confirmations_to(services, bo.email)
    [new_mail] = await confirmations_to(services, "ny@aalborg.dk")
    assert "Du er allerede tilmeldt" in anna_mail.body and anna.needs in anna_mail.body
    assert "allerede på ventelisten" in bo_mail.body and bo.needs in bo_mail.body
    assert "ventelisten" in new_mail.body and MALLORY.name in new_mail.body


async def test_an_address_that_became_someone_elses_meanwhile_is_not_linked(
    bot_services: Services,
) -> None:
    # Mallory types an address nobody uses (no code where the mailbox is not read) ...
    services = bot_services
    event = the_event(services)
    dialogue = chat_dialogue(services)
    turns = await walk(dialogue, event, [MALLORY.name, KAREN.email], MALLORY.chat)
    assert turns[-1].state is not None and turns[-1].state.step == "organisation"
    # ... and before the signup is made, Karen signs up with it by e-mail.
    await karen_signs_up(services, "email")
    turn = turns[-1]
    for answer in [MALLORY.organisation, SKIP, YES]:
        assert turn.state is not None
        turn = await dialogue.reply(
            event, turn.state, answer, NOW, chat=ChatId("telegram", str(MALLORY.chat))
        )
    assert turn.text == SENT_TO_THE_ADDRESS and turn.message is None
    mallory = Identity(chat=ChatId("telegram", str(MALLORY.chat)))
    assert await services.registrations.registrations_of(mallory, now=NOW) == []
    [karen] = await services.registrations.registrations_of(Identity(email=KAREN.email), now=NOW)
    assert karen.chat is None and karen.name == KAREN.name


async def test_with_the_code_the_chat_is_shown_its_own_registration(
    bot_services: Services,
) -> None:
    services = bot_services
    await karen_signs_up(services, "email")
    event = the_event(services)
    dialogue = chat_dialogue(services)
    # Karen, in a new chat of her own, proves her address with the code sent to it.
    turns = await walk(dialogue, event, [KAREN.name, KAREN.email], 102)
    [code] = await codes_to(services, KAREN.email)
    digits = next(w for w in code.body.split() if w.rstrip(".").isdigit()).rstrip(".")
    turn = turns[-1]
    for answer in [digits, KAREN.organisation, SKIP, YES]:
        assert turn.state is not None
        turn = await dialogue.reply(event, turn.state, answer, NOW, chat=ChatId("telegram", "102"))
    assert "Du er allerede tilmeldt" in turn.text and KAREN.needs in turn.text
    assert turn.message is not None and turn.message.ics is not None
