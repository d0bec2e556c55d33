"""Who a person is across channels: their participant rows, e-mail addresses and chats.

A channel knows one identity, a (kind, value) pair: a chat's id of the person (``telegram``,
``42``), or the address an e-mail came from (``email``, the address). The registration service
links identities to one participant (an address given in a chat's signup, a merge of two), so
the person's data is whatever any of their linked identities left: the e-mails from their
address, their chats, the cases of either.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.registrations.identity import EMAIL, ChatId, normalise_email
from bot.registrations.models import Participant, ParticipantIdentity, Registration


@dataclass(frozen=True)
class Person:
    """Everything a person is known by."""

    participant_ids: frozenset[int]
    emails: frozenset[str]
    chats: frozenset[ChatId]

    def pairs(self) -> set[tuple[str, str]]:
        """(channel, chat id) pairs of the person's own chats: a chat channel's id of the person
        is the id of their private chat with the bot; an e-mail "chat" is the address."""
        return {(c.kind, c.value) for c in self.chats} | {(EMAIL, e) for e in self.emails}

    def __str__(self) -> str:  # never an address or an id in a log line by accident
        return f"Person({len(self.participant_ids)} participant(s))"


def email_forms(address: str) -> set[str]:
    """An address as tables may hold it: as read (lower-cased) and as normalised."""
    forms = {address.strip().lower()}
    # An address the validator refuses can still have sent mail: it is kept as read.
    with contextlib.suppress(ValueError):
        forms.add(normalise_email(address))
    return {f for f in forms if f}


async def find_person(session: AsyncSession, pairs: Iterable[tuple[str, str]]) -> Person:
    """The person with these (kind, value) identities, and every identity linked to them."""
    pairs = list(pairs)
    addresses = {form for kind, value in pairs if kind == EMAIL for form in email_forms(value)}
    chats = {ChatId(kind, value) for kind, value in pairs if kind != EMAIL}
    ids: set[int] = set()
    while True:
        wanted = [
            and_(ParticipantIdentity.kind == EMAIL, ParticipantIdentity.value.in_(addresses)),
            *(
                and_(ParticipantIdentity.kind == chat.kind, ParticipantIdentity.value == chat.value)
                for chat in chats
            ),
        ]
        if ids:
            wanted.append(ParticipantIdentity.participant_id.in_(ids))
        rows = (
            await session.execute(
                select(
                    ParticipantIdentity.participant_id,
                    ParticipantIdentity.kind,
                    ParticipantIdentity.value,
                ).where(or_(*wanted))
            )
        ).all()
        found = {pid for pid, _kind, _value in rows}
        # Participants merged into one of theirs: the same person, under an older row.
        if ids or found:
            merged = await session.scalars(
                select(Participant.id).where(Participant.merged_into_id.in_(ids | found))
            )
            found |= set(merged)
        addresses |= {value for _pid, kind, value in rows if kind == EMAIL}
        chats |= {ChatId(kind, value) for _pid, kind, value in rows if kind != EMAIL}
        if found <= ids:
            break
        ids |= found
    if ids:
        # The addresses their registrations were made with (the same as their identities, unless
        # an identity was removed since).
        given = await session.scalars(
            select(Registration.email).where(
                Registration.participant_id.in_(ids), Registration.email != ""
            )
        )
        addresses |= set(given)
    return Person(frozenset(ids), frozenset(addresses), frozenset(chats))
