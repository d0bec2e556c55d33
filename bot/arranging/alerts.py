"""Alerting staff about needs booked ahead (interpreters) in time, once per need.

Two moments, one rule: a need booked ahead, of a registration with a seat, not yet arranged, is
alerted once its lead time has begun (``lead``).

- *On arrival*: the registration service calls :meth:`NeedsAlerts.arrived` in the transaction
  that keeps the needs (a signup in a chat, an e-mail reply, a phone signup at the desk, a later
  change on any channel), so a late need is alerted with its arrival, or neither happens.
- *By the job*: each look of the reminder job (leader only) calls :func:`alert_due`, which
  alerts what is still not arranged once the lead time has begun (a need that arrived early, a
  person who got a seat from the waiting list).

The alert's key (``needs:<registration>:<kind>``) is claimed in the reminders' ledger in the
same transaction as the note is queued, so a need is never alerted twice, across restarts and
instances; the row goes with the registration (``ON DELETE CASCADE``) and is in the person's
data report. Staff read it where they are (the staff chat and/or the staff mailbox,
``staff_recipients``) and see it at the desk (``summary``). Logs say only how many.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.arranging.lead import BOOKED_AHEAD, in_lead_time, working_days_left
from bot.arranging.summary import Need, Person, alert_key
from bot.arranging.texts import alert_note
from bot.cases.staff import staff_recipients
from bot.delivery import Delivery
from bot.i18n import normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.models import Registration, RegistrationNeed, RegistrationStatus
from bot.reminders import ledger
from bot.reminders.models import NEEDS
from bot.settings import Settings
from bot.storage import Database

log = logging.getLogger(__name__)
REGISTERED = RegistrationStatus.REGISTERED.value
# The desk's page of an event's needs (served by ``bot.desk.needs``), linked from the alerts.
NEEDS_PAGE = "/desk/arrangementer/{slug}/behov"


def desk_link(settings: Settings, slug: str) -> str | None:
    """The needs page's full address, when the bot knows where it is served."""
    base = (settings.web_public_url or "").rstrip("/")
    return base + NEEDS_PAGE.format(slug=slug) if base else None


class NeedsAlerts:
    """Alerts staff about late needs as they arrive (the registration service's watch)."""

    def __init__(self, settings: Settings, delivery: Delivery) -> None:
        self.settings = settings
        self.delivery = delivery

    async def arrived(
        self, session: AsyncSession, event: Event, registration_id: int, now: datetime
    ) -> None:
        """In the transaction that kept the registration's needs: alert those that are late.

        In a savepoint: an alert that fails is undone alone (the job tries again within a
        minute), and never costs the person their signup or their change."""
        if not in_lead_time(event, self.settings, now):
            return
        try:
            async with session.begin_nested():
                await alert(session, self.settings, self.delivery, event, now, [registration_id])
        except Exception:
            log.exception("needs alert for %s failed; the reminder job tries again", event.id)


async def alert(
    session: AsyncSession,
    settings: Settings,
    delivery: Delivery,
    event: Event,
    now: datetime,
    registration_ids: Collection[int] | None = None,
) -> int:
    """Claim and queue the alerts of the event's unarranged needs booked ahead (of these
    registrations, if given) in the session's transaction; how many needs were alerted."""
    recipients = staff_recipients(settings, delivery)
    if not recipients:  # nothing claimed: an alert can still follow once staff are configured
        return 0
    query = (
        select(Registration.id, Registration.name, RegistrationNeed.kind, RegistrationNeed.words)
        .join(RegistrationNeed, RegistrationNeed.registration_id == Registration.id)
        .where(
            Registration.event_slug == event.id,
            Registration.status == REGISTERED,
            RegistrationNeed.kind.in_(sorted(BOOKED_AHEAD)),
            RegistrationNeed.arranged_at.is_(None),
        )
        .order_by(Registration.queue_no, RegistrationNeed.kind)
    )
    if registration_ids is not None:
        query = query.where(Registration.id.in_(list(registration_ids)))
    found: dict[int, tuple[str, list[Need]]] = {}
    for reg_id, name, kind, words in (await session.execute(query)).all():
        claimed = await ledger.claim(
            session,
            key=alert_key(reg_id, kind),
            kind=NEEDS,
            event=event.id,
            now=now,
            registration_id=reg_id,
        )
        if claimed:
            found.setdefault(reg_id, (name, []))[1].append(Need(kind, words, None, None, None))
    if not found:
        return 0
    people = [
        (Person(reg_id, name, "", "", False, (), tuple(needs)), [n.kind for n in needs])
        for reg_id, (name, needs) in found.items()
    ]
    days = working_days_left(event, now)
    for to in recipients:
        subject, text = alert_note(
            event,
            people,
            days,
            normalise_lang(to.lang),
            to.channel,
            desk_link(settings, event.id),
        )
        await delivery.queue(
            session, to, text, kind="needs_alert", now=now, subject=subject, event=event.id
        )
    count = sum(len(kinds) for _person, kinds in people)
    log.info("needs alert for %s queued: %d need(s)", event.id, count)
    return count


async def alert_due(
    db: Database, settings: Settings, delivery: Delivery, event: Event, now: datetime
) -> int:
    """The job's look: once the lead time has begun, alert what is still not arranged."""
    if not in_lead_time(event, settings, now):
        return 0
    done = await ledger.recorded(db, event.id, NEEDS)
    async with db.session() as session:
        pending = (
            await session.execute(
                select(Registration.id, RegistrationNeed.kind)
                .join(RegistrationNeed, RegistrationNeed.registration_id == Registration.id)
                .where(
                    Registration.event_slug == event.id,
                    Registration.status == REGISTERED,
                    RegistrationNeed.kind.in_(sorted(BOOKED_AHEAD)),
                    RegistrationNeed.arranged_at.is_(None),
                )
            )
        ).all()
    if all(alert_key(reg_id, kind) in done for reg_id, kind in pending):
        return 0  # the job looks every minute: cheap once everything is alerted
    async with db.transaction() as session:
        return await alert(session, settings, delivery, event, now)
