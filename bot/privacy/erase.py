"""Erasing a person, in the caller's transaction: nothing personal left behind.

In this order, so every foreign key holds at every step:

1. their active registrations are cancelled as any cancellation is (the seat goes to the
   waiting list, and those promoted are told, by the registration service);
2. every registration of theirs becomes an anonymous shell with an audit line "erased", and the
   participant rows lose name and organisation and their identities are deleted
   (``bot.registrations.erasure``): the audit trail keeps what happened, when and on which
   channel, and nothing says who;
3. their cases are anonymised and closed, and answers taught from them deleted
   (``bot.privacy.cases``);
4. every row of the personal-rows tables that is theirs is deleted (``bot.privacy.tables``):
   chats, chat messages, e-mails in and out, reply counts, bounces, reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.cases import anonymise_cases
from bot.privacy.person import Person
from bot.privacy.tables import delete_rows, rule_tables
from bot.registrations.erasure import anonymise_participants, anonymise_registrations
from bot.registrations.models import Registration
from bot.registrations.results import RegistrationInfo
from bot.registrations.service import RegistrationService


@dataclass(frozen=True)
class Erased:
    """What an erasure did: counts by table (for the log), and what must follow it."""

    counts: dict[str, int] = field(default_factory=dict)
    # People who got a seat the erased person had (already told, in the same transaction).
    promoted: tuple[RegistrationInfo, ...] = ()
    # Chats whose state was deleted (the conversation cache must forget them).
    chats: tuple[tuple[str, str], ...] = ()

    @property
    def taught(self) -> int:
        """Answers deleted from what staff taught (the knowledge must be re-applied)."""
        return self.counts.get("learned_answers", 0)


async def erase_person(
    session: AsyncSession,
    person: Person,
    *,
    registrations: RegistrationService,
    channel: str,
    now: datetime,
) -> Erased:
    """Erase everything about ``person`` (see the module docstring)."""
    ids = sorted(person.participant_ids)
    counts: dict[str, int] = {}
    promoted: tuple[RegistrationInfo, ...] = ()
    registration_ids: set[int] = set()
    if ids:
        promoted = await registrations.cancel_for_erasure(
            session, person.participant_ids, channel=channel, now=now
        )
        registration_ids = set(
            await session.scalars(
                select(Registration.id).where(Registration.participant_id.in_(ids))
            )
        )
        counts["registrations"], _ = await anonymise_registrations(
            session,
            Registration.participant_id.in_(ids),
            now=now,
            channel=channel,
            actor="participant:{participant}",
            action="erased",
        )
        counts["participants"] = await anonymise_participants(session, ids)
    counts["cases"], counts["learned_answers"] = await anonymise_cases(session, person, now)
    chats: list[tuple[str, str]] = []
    for rule, table in rule_tables():
        where = rule.of(table, person, registration_ids)
        if rule.table == "conversations":
            found = await session.execute(select(table.c.channel, table.c.chat_id).where(where))
            chats = [(str(channel_), str(chat_id)) for channel_, chat_id in found]
        counts[rule.table] = await delete_rows(session, delete(table).where(where))
    return Erased({k: v for k, v in counts.items() if v}, promoted, tuple(chats))
