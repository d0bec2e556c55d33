"""Sending the evaluation: the day after the event, to those who came, once each, on their own
channel; and ``EvaluationJob``, which looks every minute in the instance that leads.

Due from ``evaluation_days_after`` days after the event's last day at ``evaluation_time``
(Copenhagen wall clock), for a week: a bot that was down catches up, but nobody is asked about a
day long past. Who came is who was checked in (``bot.attendance``) and still has their seat.

Whom it was sent to is a row in ``reminder_notices`` (kind ``evaluation``), claimed in the same
transaction as the message is queued, exactly as the reminders do: a restart or a second look
sends nothing twice. That row is the only link between a person and the evaluation; the answers
(``bot.evaluation.models``) have none.

In a chat the first question goes with its buttons and the chat is put in the evaluation's flow
(``bot.evaluation.dialogue``); a chat in the middle of a signup is asked once it has finished
(or left it alone for an hour). By e-mail it is one letter, answered in the person's own words
(read by ``bot.channels.mail.evaluation``).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import select

from bot.attendance import Attendance
from bot.clock import TZ, at, localize
from bot.conversations.models import Conversation
from bot.delivery import Recipient, recipient_for
from bot.evaluation import texts
from bot.evaluation.dialogue import EVALUATION, buttons, start
from bot.evaluation.questions import SATISFACTION
from bot.i18n import normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.identity import EMAIL
from bot.registrations.models import Registration, RegistrationStatus
from bot.registrations.results import RegistrationInfo
from bot.reminders import ledger
from bot.reminders.looking import LookingJob
from bot.reminders.schedule import utc
from bot.services import Services

log = logging.getLogger(__name__)

KIND = "evaluation"  # in reminder_notices, and the kind of the queued message
REGISTERED = RegistrationStatus.REGISTERED.value
# After its moment the evaluation is still sent this long (the bot may have been down).
CATCH_UP = timedelta(days=7)
# A chat busy with a signup more recently than this is asked at a later look.
BUSY = timedelta(hours=1)


def evaluation_key(registration_id: int) -> str:
    return f"{KIND}:{registration_id}"


def evaluation_moment(event: Event, days_after: int, clock: time) -> datetime:
    """When the event's evaluation is sent: ``days_after`` days after its last day."""
    day = event.end.astimezone(TZ).date() + timedelta(days=days_after)
    return at(day, clock)


async def send_evaluations(services: Services, event: Event, now: datetime) -> int:
    """Queue the evaluation due at ``now`` for those of ``event`` who came; how many."""
    settings = services.settings
    moment = evaluation_moment(event, settings.evaluation_days_after, settings.evaluation_time)
    if not utc(moment) <= utc(now) < utc(moment + CATCH_UP):
        return 0
    done = await ledger.recorded(services.db, event.id, KIND)
    came = (await Attendance(services.db, lambda: now).of_event(event.id)).checked_in
    if not came:
        return 0
    pending = [
        info
        for info in await services.registrations.event_registrations(event.id)
        if info.id in came
        and info.status == RegistrationStatus.REGISTERED
        and evaluation_key(info.id) not in done
    ]
    queued = 0
    for info in pending:
        if await _send(services, event, info, now):
            queued += 1
    if queued:
        log.info("evaluation of %s queued: %d", event.id, queued)
    return queued


async def _busy(services: Services, to: Recipient, now: datetime) -> bool:
    """The chat is in the middle of another dialogue (a signup), lately."""
    async with services.db.session() as session:
        row = (
            await session.execute(
                select(Conversation.flow, Conversation.updated_at).where(
                    Conversation.channel == to.channel, Conversation.chat_id == to.address
                )
            )
        ).first()
    if row is None or row.flow in (None, EVALUATION):
        return False
    return utc(row.updated_at) > utc(now) - BUSY


async def _send(services: Services, event: Event, info: RegistrationInfo, now: datetime) -> bool:
    to = recipient_for(
        services.delivery, email=info.email, chat=info.chat, lang=info.lang, name=info.name
    )
    if to is None:
        return False
    lang = normalise_lang(info.lang)
    chat = to.channel != EMAIL
    if chat:
        if await _busy(services, to, now):
            return False
        # Before queueing: the sender may deliver the moment the transaction commits.
        await services.conversations.update(
            to.channel, to.address, now, event=event.id, flow=EVALUATION, flow_state=start(event.id)
        )
    async with services.db.transaction() as session:
        status = await session.scalar(
            select(Registration.status).where(Registration.id == info.id).with_for_update()
        )
        if status != REGISTERED:
            return False
        claimed = await ledger.claim(
            session,
            key=evaluation_key(info.id),
            kind=KIND,
            event=event.id,
            now=now,
            registration_id=info.id,
            channel=to.channel,
            chat_id=to.address if chat else None,
        )
        if not claimed:
            return False
        await services.delivery.queue(
            session,
            to,
            texts.chat_invitation(event, lang) if chat else texts.mail_invitation(event, lang),
            kind=KIND,
            now=now,
            subject=texts.subject(event, lang),
            event=event.id,
            choices=tuple((f"eval:{v}", label) for v, label in buttons(SATISFACTION, lang))
            if chat
            else (),
        )
    return True


class EvaluationJob(LookingJob):
    """Queues the evaluations as they fall due, until stopped (beside the reminders)."""

    what = "evaluation"
    switched_off = "the evaluation after events is switched off (evaluation_enabled = false)"

    def enabled(self) -> bool:
        return self.services.settings.evaluation_enabled

    async def run_due(self, now: datetime) -> int:
        """Queue every evaluation due at ``now``; how many."""
        if not self.enabled():
            return 0
        now = localize(now)
        queued = 0
        for event in list(self.services.kb.events.values()):
            if utc(event.end) > utc(now):
                continue
            try:
                queued += await send_evaluations(self.services, event, now)
            except Exception:  # one event's trouble does not stop the rest
                log.exception("evaluation of %s failed; trying again at the next look", event.id)
        return queued
