"""Reminders to everyone registered, on their own channel, each at most once.

At a moment ``now`` a registration is due the latest reminder whose time has come (see
``schedule``) when all of these hold:

- the event has not started (the job checks);
- the registration is ``registered`` now: someone who cancelled, or is still waiting, gets
  nothing; someone promoted from the waiting list gets the reminders still ahead of them;
- it was registered by the reminder's moment: a person who signed up (or got a seat) after it
  has just had the confirmation with the same details, and waits for the next reminder;
- that reminder was not queued before (``reminder_notices``).

Each reminder is its own transaction: the registration's row is locked and read again (a
cancellation at that instant wins), the key is claimed and the message queued, together.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, or_, select

from bot.attendance.issuing import code_for
from bot.delivery import recipient_for
from bot.knowledge.schema import Event
from bot.registrations.identity import EMAIL
from bot.registrations.models import AuditEntry, Registration, RegistrationStatus
from bot.registrations.results import RegistrationInfo
from bot.reminders import ledger
from bot.reminders.models import REMINDER
from bot.reminders.schedule import Moment, ReminderPlan, latest_due, reminder_moments, utc
from bot.reminders.texts import reminder_message
from bot.services import Services

log = logging.getLogger(__name__)
REGISTERED = RegistrationStatus.REGISTERED.value


def reminder_key(registration_id: int, which: str) -> str:
    return f"reminder:{registration_id}:{which}"


async def remind_registered(services: Services, event: Event, now: datetime) -> int:
    """Queue the reminders due at ``now`` for the event; how many were queued."""
    plan = ReminderPlan.from_settings(services.settings)
    moment = latest_due(reminder_moments(event, plan), now)
    if moment is None:
        return 0
    done = await ledger.recorded(services.db, event.id, REMINDER)
    # The job looks every minute until the event starts: once all are reminded, this is cheap.
    pending = [
        info
        for info in await services.registrations.event_registrations(event.id)
        if info.status == RegistrationStatus.REGISTERED
        and reminder_key(info.id, moment.which) not in done
    ]
    if not pending:
        return 0
    since = await registered_since(services, event.id)
    queued = 0
    for info in pending:
        if utc(since.get(info.id, info.created_at)) > utc(moment.when):
            continue
        if await _remind(services, event, info, moment, now):
            queued += 1
    if queued:
        log.info("reminders (%s) for %s queued: %d", moment.which, event.id, queued)
    return queued


async def _remind(
    services: Services, event: Event, info: RegistrationInfo, moment: Moment, now: datetime
) -> bool:
    to = recipient_for(
        services.delivery, email=info.email, chat=info.chat, lang=info.lang, name=info.name
    )
    if to is None:
        return False
    if to.channel != EMAIL:
        # Before queueing: the sender may deliver the moment the transaction commits.
        await talk_about(services, to.channel, to.address, event, now)
    async with services.db.transaction() as session:
        status = await session.scalar(
            select(Registration.status).where(Registration.id == info.id).with_for_update()
        )
        if status != REGISTERED:
            return False
        claimed = await ledger.claim(
            session,
            key=reminder_key(info.id, moment.which),
            kind=REMINDER,
            event=event.id,
            now=now,
            registration_id=info.id,
            channel=to.channel,
            chat_id=to.address if to.channel != EMAIL else None,
        )
        if not claimed:
            return False
        # The same check-in code as in the confirmation (made now for a seat from before codes).
        code = await code_for(session, info.id, event.id, now)
        message = reminder_message(
            event, replace(info, checkin_code=code), moment.which, to.channel, now
        )
        await services.delivery.queue(
            session,
            to,
            message.text,
            kind="reminder",
            now=now,
            subject=message.subject,
            event=event.id,
            ics=message.ics,
            ics_filename=message.ics_filename,
            checkin_code=message.checkin_code,
        )
    return True


async def talk_about(
    services: Services, channel: str, chat_id: str, event: Event, now: datetime
) -> None:
    """Make the reminded event the chat's subject, so "afmeld" or a question is about it."""
    current = await services.conversations.get(channel, chat_id)
    if current.event != event.id:
        await services.conversations.update(channel, chat_id, now, event=event.id)


async def registered_since(services: Services, event: str) -> dict[int, datetime]:
    """When each registration of the event last got its seat, from the audit trail."""
    became = (
        select(AuditEntry.registration_id, func.max(AuditEntry.at))
        .where(
            AuditEntry.event_slug == event,
            AuditEntry.new_status == REGISTERED,
            or_(AuditEntry.old_status.is_(None), AuditEntry.old_status != REGISTERED),
        )
        .group_by(AuditEntry.registration_id)
    )
    async with services.db.session() as session:
        rows = (await session.execute(became)).all()
    return {registration_id: at for registration_id, at in rows}
