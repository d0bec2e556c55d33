"""The signup dialogue never links a chat to someone else's address without the code sent there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.mail.courier import MailCourier
from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.clock import parse_aware
from bot.delivery import Delivery
from bot.knowledge import KnowledgeBase
from bot.registrations.dialogue import SKIP, YES, SignupDialogue, Turn
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId, Identity
from bot.registrations.service import RegistrationService
from bot.storage import Database

TEMADAG = "handicapraad-temadag-2024"
NOW = parse_aware("2024-04-01T10:00:00+02:00")
KAREN = "karen@aalborg.dk"
MALLORY = 666
SENT_TO_THE_ADDRESS = (
    "Tak. Vi har sendt en bekræftelse til den adresse. Der kan du se, om du er tilmeldt."
)


@pytest.fixture
async def service(tmp_path: Path, kb: KnowledgeBase) -> RegistrationService:
    db = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'code.sqlite3'}")
    await db.migrate()
    return RegistrationService(db, kb.event)


@pytest.fixture
def dialogue(service: RegistrationService) -> SignupDialogue:
    delivery = Delivery()
    delivery.register(
        "email", MailCourier(Outbox(service.db, mail_from="bot@kl.dk"), lambda _e: "Sekretariatet")
    )
    return SignupDialogue(service, "telegram", delivery=delivery)


async def karen_signed_up_by_email(service: RegistrationService, kb: KnowledgeBase) -> None:
    event = kb.event(TEMADAG)
    assert event is not None
    form = SignupForm(name="Karen Holm", email=KAREN, organisation="Handicaprådet")
    await service.signup(event, form, channel="email", now=NOW)


async def walk(
    dialogue: SignupDialogue, kb: KnowledgeBase, answers: list[str], telegram_id: int
) -> list[Turn]:
    event = kb.event(TEMADAG)
    assert event is not None
    turn = await dialogue.start(event, "da", NOW)
    turns = [turn]
    for answer in answers:
        assert turn.state is not None, turn.text
        turn = await dialogue.reply(
            event, turn.state, answer, NOW, chat=ChatId("telegram", str(telegram_id))
        )
        turns.append(turn)
    return turns


async def code_mails(service: RegistrationService) -> list[OutboxMail]:
    async with service.db.session() as session:
        rows = await session.scalars(select(OutboxMail).order_by(OutboxMail.id))
        return [r for r in rows if "kode" in r.subject.casefold()]


def the_code(mail: OutboxMail) -> str:
    found = re.search(r"\b(\d{6})\b", mail.body)
    assert found, mail.body
    return found.group(1)


async def test_someone_elses_address_needs_the_code_before_linking(
    service: RegistrationService, dialogue: SignupDialogue, kb: KnowledgeBase
) -> None:
    await karen_signed_up_by_email(service, kb)
    turns = await walk(dialogue, kb, ["Mallory", KAREN], MALLORY)
    assert "sendt en kode til karen@aalborg.dk" in turns[-1].text
    assert [c.value for c in turns[-1].choices] == [SKIP]
    [mail] = await code_mails(service)
    assert mail.to_address == KAREN and the_code(mail) not in str(turns[-1].state)
    # Without the code: a wrong guess is refused, and nothing of Karen's shows in the chat.
    event = kb.event(TEMADAG)
    assert event is not None and turns[-1].state is not None
    wrong = await dialogue.reply(
        event, turns[-1].state, "000000", NOW, chat=ChatId("telegram", str(MALLORY))
    )
    assert "koden er ikke rigtig" in wrong.text.casefold() and wrong.state is not None
    assert wrong.state.step == "code"
    assert (
        await service.registrations_of(Identity(chat=ChatId("telegram", str(MALLORY))), now=NOW)
        == []
    )


async def test_the_right_code_links_the_chat_to_the_address(
    service: RegistrationService, dialogue: SignupDialogue, kb: KnowledgeBase
) -> None:
    await karen_signed_up_by_email(service, kb)
    turns = await walk(dialogue, kb, ["Karen Holm", KAREN], 42)
    event = kb.event(TEMADAG)
    assert event is not None and turns[-1].state is not None
    [mail] = await code_mails(service)
    turn = await dialogue.reply(
        event, turns[-1].state, the_code(mail), NOW, chat=ChatId("telegram", "42")
    )
    assert turn.state is not None and turn.state.step == "organisation"
    # Karen is already signed up: the chat now knows her, so she is told so.
    for answer in ["Handicaprådet", SKIP, YES]:
        assert turn.state is not None
        turn = await dialogue.reply(event, turn.state, answer, NOW, chat=ChatId("telegram", "42"))
    mine = await service.registrations_of(Identity(chat=ChatId("telegram", "42")), now=NOW)
    assert [r.email for r in mine] == [KAREN]


async def test_without_the_code_the_signup_is_made_on_the_address_alone(
    service: RegistrationService, dialogue: SignupDialogue, kb: KnowledgeBase
) -> None:
    # Karen is known (she signed up for another event by e-mail before).
    vision = kb.event("socialaftale-visionsdag-2020")
    assert vision is not None
    await service.signup(
        vision,
        SignupForm(name="Karen Holm", email=KAREN, organisation="X", session="1"),
        channel="email",
        now=parse_aware("2020-01-20T10:00:00+01:00"),
    )
    turns = await walk(
        dialogue, kb, ["Karen Holm", KAREN, "1", "2", "3", "Handicaprådet", SKIP, YES], 42
    )
    assert "kun ses og ændres via e-mail" in turns[5].text  # after three wrong codes
    assert turns[-1].state is None and turns[-1].text == SENT_TO_THE_ADDRESS
    assert await service.registrations_of(Identity(chat=ChatId("telegram", "42")), now=NOW) == []
    by_mail = await service.registrations_of(Identity(email=KAREN), now=NOW, include_past=True)
    assert sorted(r.event_slug for r in by_mail) == [TEMADAG, "socialaftale-visionsdag-2020"]


async def test_a_new_or_own_address_asks_for_no_code(
    service: RegistrationService, dialogue: SignupDialogue, kb: KnowledgeBase
) -> None:
    turns = await walk(dialogue, kb, ["Ny Person", "ny@aalborg.dk"], 7)
    assert turns[-1].state is not None and turns[-1].state.step == "organisation"
    assert await code_mails(service) == []


async def test_where_the_mailbox_is_read_a_new_address_needs_the_code_too(
    service: RegistrationService, dialogue: SignupDialogue, kb: KnowledgeBase
) -> None:
    # Mail later sent from the address would be linked to this chat: it must be proven first.
    dialogue.prove_new_addresses = True
    turns = await walk(dialogue, kb, ["Mallory", KAREN, SKIP, "Rådet", SKIP, YES], MALLORY)
    assert "sendt en kode til karen@aalborg.dk" in turns[2].text
    assert turns[-1].state is None and turns[-1].text == SENT_TO_THE_ADDRESS
    # Signed up on the address alone: the chat is not linked to it.
    assert (
        await service.registrations_of(Identity(chat=ChatId("telegram", str(MALLORY))), now=NOW)
        == []
    )
    [registration] = await service.registrations_of(Identity(email=KAREN), now=NOW)
    assert registration.chat is None
    # Someone with the code, on the other hand, is linked.
    turns = await walk(dialogue, kb, ["Ny", "ny@aalborg.dk"], 77)
    [mail] = [m for m in await code_mails(service) if m.to_address == "ny@aalborg.dk"]
    event = kb.event(TEMADAG)
    assert event is not None and turns[-1].state is not None
    turn = await dialogue.reply(
        event, turns[-1].state, the_code(mail), NOW, chat=ChatId("telegram", "77")
    )
    for answer in ["Rådet", SKIP, YES]:
        assert turn.state is not None
        turn = await dialogue.reply(event, turn.state, answer, NOW, chat=ChatId("telegram", "77"))
    assert [
        r.email
        for r in await service.registrations_of(Identity(chat=ChatId("telegram", "77")), now=NOW)
    ] == ["ny@aalborg.dk"]
