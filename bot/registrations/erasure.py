"""Anonymising registrations: the shells an erasure or the retention job leaves behind.

The audit trail must keep what happened, when and on which channel (who signed up, who
cancelled, who was promoted) for as long as the event's accounts may be asked about, but not
who it was. So a registration is not deleted: it becomes a shell with its event, status, queue
number, channel and times, and without name, address, organisation and needs; its audit lines
(which hold none of those) keep pointing at it. A participant with nothing but shells left
loses their name and organisation, and their identities (e-mail address, chats) are
deleted, so nothing links the shells to a person any more.

Channel-independent, in the caller's transaction: ``bot.privacy`` calls these for one person
(after :meth:`RegistrationService.cancel_for_erasure`) and for the events that have expired.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.registrations.models import AuditEntry, Participant, ParticipantIdentity, Registration
from bot.registrations.needs_kept import forget

# What a shell shows where the person's details were: visible as such in lists and exports.
ERASED = "(slettet)"


async def anonymise_registrations(
    session: AsyncSession,
    where: ColumnElement[bool],
    *,
    now: datetime,
    channel: str,
    actor: str,
    action: str,
) -> tuple[int, set[int]]:
    """Make the matching registrations shells, with an audit line each.

    ``actor`` may hold ``{participant}``, for the registration's participant id. Returns how
    many were made shells, and their participants.
    """
    rows = list(
        await session.scalars(
            select(Registration).where(where, Registration.email != "").order_by(Registration.id)
        )
    )
    for reg in rows:
        reg.name, reg.email, reg.organisation, reg.needs = ERASED, "", ERASED, None
        reg.updated_at = now
        session.add(
            AuditEntry(
                registration_id=reg.id,
                event_slug=reg.event_slug,
                participant_id=reg.participant_id,
                action=action,
                old_status=reg.status,
                new_status=reg.status,
                channel=channel,
                actor=actor.replace("{participant}", str(reg.participant_id)),
                at=now,
            )
        )
    # Needs (health data) and companions go with the person's details: nothing of them is kept.
    await forget(session, [reg.id for reg in rows])
    await session.flush()
    return len(rows), {reg.participant_id for reg in rows}


async def anonymise_participants(session: AsyncSession, ids: Collection[int]) -> int:
    """Take names and identities from the participants with nothing but shells; how many."""
    if not ids:
        return 0
    live = exists().where(
        and_(Registration.participant_id == Participant.id, Registration.email != "")
    )
    bare = list(
        await session.scalars(select(Participant.id).where(Participant.id.in_(list(ids)), ~live))
    )
    if not bare:
        return 0
    await session.execute(
        update(Participant)
        .where(Participant.id.in_(bare))
        .values(name=None, organisation=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(ParticipantIdentity)
        .where(ParticipantIdentity.participant_id.in_(bare))
        .execution_options(synchronize_session=False)
    )
    return len(bare)


async def participants_with_data(session: AsyncSession) -> set[int]:
    """Participants that still have a name or an identity but no live registration.

    Merged participants (whose registrations moved to another) are such, and participants whose
    last registration expired; the retention job anonymises them.
    """
    live = exists().where(
        and_(Registration.participant_id == Participant.id, Registration.email != "")
    )
    known = exists().where(ParticipantIdentity.participant_id == Participant.id)
    named = Participant.name.is_not(None) | Participant.organisation.is_not(None)
    rows = await session.scalars(select(Participant.id).where(~live, named | known))
    return set(rows)
