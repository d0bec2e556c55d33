"""A signup on an address the chat has not proven leaves that person's stored details alone.

Before the fix, a chat that typed Karen's address, went on without the code and signed up for
another day replaced her name, organisation and language on record with what the chat typed
(her privacy report and everything later built on the record showed the stranger's words). A
proven signup (her own e-mail, or her chat after the code) still updates them, as it always did.
Through the real dialogue and the real mail handler, as the bot wires them, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from bot.channels.mail.handling import MailHandler
from bot.channels.mail.outbox import Outbox
from bot.i18n import Lang
from bot.registrations.dialogue import SKIP, YES, SignupDialogue, Turn
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId, Identity
from bot.registrations.models import Participant, ParticipantIdentity
from bot.services import Services
from tests.registrations.chat_signup import (
    KAREN,
    MALLORY,
    NOW,
    SENT_TO_THE_ADDRESS,
    chat_dialogue,
    mails_to,
    the_event,
    unproven_answers,
    walk,
)

ANDEN_DAG = "anden-dag"  # another open day, where Karen is not signed up yet
SECRETARIAT = "sekretariat@example.dk"
KARENS = (KAREN.name, KAREN.organisation, "da")


async def stored_details(services: Services, address: str) -> tuple[str | None, str | None, str]:
    """Name, organisation and language on record for the person with the address."""
    async with services.db.session() as session:
        row = (
            await session.execute(
                select(Participant)
                .join(ParticipantIdentity, ParticipantIdentity.participant_id == Participant.id)
                .where(ParticipantIdentity.kind == "email", ParticipantIdentity.value == address)
            )
        ).scalar_one()
        return row.name, row.organisation, row.lang


async def talk(
    services: Services,
    dialogue: SignupDialogue,
    slug: str,
    answers: list[str],
    chat: int,
    lang: Lang,
    turn: Turn | None = None,
) -> Turn:
    """The dialogue in the chat, in its language, from its start or from ``turn``; the last."""
    event = the_event(services, slug)
    if turn is None:
        turn = await dialogue.start(event, lang, NOW, chat_id=chat)
    for answer in answers:
        assert turn.state is not None, turn.text
        turn = await dialogue.reply(
            event, turn.state, answer, NOW, chat=ChatId("telegram", str(chat))
        )
    return turn


async def karen_signs_up(services: Services, how: str) -> None:
    """Karen signs up for the theme day, by e-mail or in her own chat."""
    event = the_event(services)
    if how == "email":
        form = SignupForm(KAREN.name, KAREN.email, KAREN.organisation, needs=KAREN.needs)
        await services.registrations.signup(event, form, channel="email", now=NOW)
    else:
        answers = [KAREN.name, KAREN.email, KAREN.organisation, KAREN.needs, YES]
        turns = await walk(chat_dialogue(services), event, answers, KAREN.chat)
        assert "Du er tilmeldt" in turns[-1].text  # her own new address: no code asked
    assert await stored_details(services, KAREN.email) == KARENS


@pytest.mark.parametrize("how", ["email", "chat"])
async def test_a_signup_on_her_address_alone_does_not_change_her_details(
    bot_services: Services, how: str
) -> None:
    services = bot_services
    await karen_signs_up(services, how)
    # Mallory, in an English chat, signs up for another day with her address, without the code.
    answers = [MALLORY.name, KAREN.email, SKIP, MALLORY.organisation, SKIP, YES]
    last = await talk(services, chat_dialogue(services), ANDEN_DAG, answers, MALLORY.chat, "en")
    assert last.state is None and last.message is None  # the dialogue is over, told nothing

    # Her record is as she left it ...
    assert await stored_details(services, KAREN.email) == KARENS
    # ... the signup Mallory made holds what he typed, and went to her address to see.
    mine = await services.registrations.registrations_of(Identity(email=KAREN.email), now=NOW)
    assert {(r.event_slug, r.name, r.organisation) for r in mine} == {
        (the_event(services).id, KAREN.name, KAREN.organisation),
        (ANDEN_DAG, MALLORY.name, MALLORY.organisation),
    }
    told = (await mails_to(services, KAREN.email))[-1]
    assert told.ics is not None and MALLORY.name in told.body and "Testdag anden-dag" in told.body
    assert all(r.chat != ChatId("telegram", str(MALLORY.chat)) for r in mine)


async def test_an_address_nobody_uses_gets_the_details_typed(bot_services: Services) -> None:
    # Where the mailbox is read, a new address is proven too; without the code the signup is
    # made on the address alone, and its new record has the details typed: nobody else's.
    services = bot_services
    dialogue = chat_dialogue(services, prove_new_addresses=True)
    turns = await walk(dialogue, the_event(services), unproven_answers(MALLORY, "ny@aalborg.dk"), 7)
    assert turns[-1].text == SENT_TO_THE_ADDRESS
    assert await stored_details(services, "ny@aalborg.dk") == (
        MALLORY.name,
        MALLORY.organisation,
        "da",
    )


async def test_karens_own_chat_with_the_code_updates_her_details(bot_services: Services) -> None:
    services = bot_services
    await karen_signs_up(services, "email")
    dialogue = chat_dialogue(services)
    moved = "Handicaprådet i Aalborg"  # she changed councils since
    # In a new chat of her own, in English; she proves her address with the code sent to it.
    at_code = await talk(services, dialogue, ANDEN_DAG, [KAREN.name, KAREN.email], 102, "en")
    [code] = [m for m in await mails_to(services, KAREN.email) if "code" in m.subject]
    digits = next(w for w in code.body.split() if w.rstrip(".").isdigit()).rstrip(".")
    answers = [digits, moved, SKIP, YES]
    turn = await talk(services, dialogue, ANDEN_DAG, answers, 102, "en", turn=at_code)
    assert turn.result is not None and turn.result.outcome.value == "registered"
    assert await stored_details(services, KAREN.email) == (KAREN.name, moved, "en")


async def test_karens_own_email_updates_her_details_as_before(bot_services: Services) -> None:
    # The e-mail channel: the From address is her own, so her reply is her word.
    services = bot_services
    await karen_signs_up(services, "email")
    outbox = Outbox(services.db, mail_from=SECRETARIAT)
    async with services.db.transaction() as session:
        invitation = await outbox.enqueue(
            session,
            to=KAREN.email,
            subject="Invitation: Testdag anden-dag",
            body="Vi håber, du vil komme.",
            event=ANDEN_DAG,
            now=NOW,
        )
    reply = EmailMessage()
    reply["From"] = f"Karen H. Holmgaard <{KAREN.email}>"
    reply["To"] = SECRETARIAT
    reply["Subject"] = "SV: Invitation: Testdag anden-dag"
    reply["Message-ID"] = make_msgid(domain="aalborg.dk")
    reply["In-Reply-To"] = f"<{invitation}>"
    reply.set_content(
        "Ja tak, jeg deltager gerne.\n\nMvh Karen H. Holmgaard\nHandicaprådet i Aalborg"
    )
    handled = await MailHandler(services, outbox, mail_from=SECRETARIAT).handle(
        reply.as_bytes(), now=NOW
    )
    assert (handled.action, handled.result) == ("signup", "registered"), handled
    assert await stored_details(services, KAREN.email) == (
        "Karen H. Holmgaard",
        "Handicaprådet i Aalborg",
        "da",
    )
