"""The note to staff when an event's signup deadline has passed: how many have a seat, and wait.

Sent once per event (``deadline:<event>``), between the deadline and the start of the event (a
bot that was down over the deadline sends it when it is back), to the staff chat and/or the
staff mailbox (``staff_email``), in the staff's language (``bot.cases.staff.staff_recipients``).
Events without a deadline get none: their signup simply ends at the start.
With no staff chat and no staff address nothing is recorded, so a note can still follow once
one is configured.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.cases.staff import staff_recipients
from bot.i18n import normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.models import RegistrationStatus
from bot.registrations.rules import sessions_chosen_at_signup
from bot.reminders import ledger
from bot.reminders.models import DEADLINE
from bot.reminders.schedule import utc
from bot.reminders.texts import Numbers, deadline_note
from bot.services import Services

log = logging.getLogger(__name__)


def deadline_key(event: str) -> str:
    return f"deadline:{event}"


async def note_deadline(services: Services, event: Event, now: datetime) -> int:
    """Queue the note if the event's deadline has passed and staff were not told; 1 or 0."""
    registration = event.registration
    if registration is None or registration.deadline_at is None:
        return 0
    if utc(now) <= utc(registration.deadline_at):
        return 0
    recipients = staff_recipients(services.settings, services.delivery)
    if not recipients or deadline_key(event.id) in await ledger.recorded(
        services.db, event.id, DEADLINE
    ):
        return 0
    numbers = await count(services, event)
    async with services.db.transaction() as session:
        claimed = await ledger.claim(
            session, key=deadline_key(event.id), kind=DEADLINE, event=event.id, now=now
        )
        if not claimed:
            return 0
        for to in recipients:
            subject, text = deadline_note(event, numbers, normalise_lang(to.lang), to.channel)
            await services.delivery.queue(
                session, to, text, kind="deadline", now=now, subject=subject, event=event.id
            )
    log.info(
        "deadline note for %s queued: %d registered, %d waiting",
        event.id,
        numbers.registered,
        numbers.waiting,
    )
    return 1


async def count(services: Services, event: Event) -> Numbers:
    """Seats taken and people waiting, and seats per session in the event's order."""
    infos = await services.registrations.event_registrations(event.id)
    seated = [i for i in infos if i.status == RegistrationStatus.REGISTERED]
    waiting = sum(i.status == RegistrationStatus.WAITLISTED for i in infos)
    # Sessions chosen on the day have no numbers yet.
    sessions = event.sessions if sessions_chosen_at_signup(event) else []
    per_session = {s.key: sum(i.session_key == s.key for i in seated) for s in sessions}
    return Numbers(len(seated), waiting, per_session)
