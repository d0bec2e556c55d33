"""What the chat-signup tests share: the people, walking the dialogue, the mail queued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.channels.mail.models import OutboxMail
from bot.clock import parse_aware
from bot.knowledge.schema import Event
from bot.registrations.dialogue import SKIP, YES, SignupDialogue, Turn
from bot.registrations.identity import ChatId
from bot.services import Services

TEMADAG = "handicapraad-temadag-2024"
NOW = parse_aware("2024-04-01T10:00:00+02:00")  # the theme day's deadline is 12 April
# The dialogue's words when the address is not proven: the same whatever the outcome.
SENT_TO_THE_ADDRESS = (
    "Tak. Vi har sendt en bekræftelse til den adresse. Der kan du se, om du er tilmeldt."
)


@dataclass(frozen=True)
class Someone:
    name: str
    email: str
    organisation: str
    needs: str
    chat: int

    def traces(self) -> list[str]:
        """What must never reach another person's chat."""
        return [self.name, self.name.split()[-1], self.organisation, self.needs]


KAREN = Someone(
    "Karen Holmgaard", "karen.holmgaard@aalborg.dk", "Ældrerådet i Xyzby",
    "Jeg har en hjertesygdom og brug for en ledsager", 101,
)  # fmt: skip
MALLORY = Someone("Mallory Mørk", "mallory@example.net", "Ingen", "", 666)


def chat_dialogue(services: Services, *, prove_new_addresses: bool = False) -> SignupDialogue:
    """The dialogue as the Telegram channel builds it."""
    return SignupDialogue(
        services.registrations,
        "telegram",
        delivery=services.delivery,
        prove_new_addresses=prove_new_addresses,
    )


def the_event(services: Services, slug: str = TEMADAG) -> Event:
    event = services.kb.event(slug)
    assert event is not None
    return event


async def walk(
    dialogue: SignupDialogue,
    event: Event,
    answers: list[str],
    chat: int,
    now: datetime = NOW,
) -> list[Turn]:
    """Start the dialogue in the chat and give the answers; every turn, the first included."""
    turn = await dialogue.start(event, "da", now, chat_id=chat)
    turns = [turn]
    for answer in answers:
        assert turn.state is not None, turn.text
        turn = await dialogue.reply(
            event, turn.state, answer, now, chat=ChatId("telegram", str(chat))
        )
        turns.append(turn)
    return turns


def unproven_answers(who: Someone, address: str) -> list[str]:
    """A signup with ``address``, going on without the code, to the end."""
    return [who.name, address, SKIP, who.organisation, SKIP, YES]


async def mails_to(services: Services, address: str) -> list[OutboxMail]:
    async with services.db.session() as session:
        rows = await session.scalars(
            select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
        )
        return list(rows)


async def codes_to(services: Services, address: str) -> list[OutboxMail]:
    return [m for m in await mails_to(services, address) if "kode" in m.subject.casefold()]


async def confirmations_to(services: Services, address: str) -> list[OutboxMail]:
    return [m for m in await mails_to(services, address) if "kode" not in m.subject.casefold()]
