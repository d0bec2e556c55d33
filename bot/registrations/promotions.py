"""Telling people promoted from the waiting list that they have a seat.

Called by the registration service in the transaction that freed the seat, whatever freed it (a
cancellation through any channel, an erasure, a merge of two participants), so the notice goes
out with the change or not at all, and no channel has to remember it. Each person is told on
their own channel (:func:`~bot.delivery.reach.recipient_for`); by e-mail with the calendar file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import Delivery, recipient_for
from bot.knowledge.schema import Event
from bot.registrations.confirmation import promotion_message
from bot.registrations.results import RegistrationInfo

log = logging.getLogger(__name__)


async def announce_promotions(
    session: AsyncSession,
    delivery: Delivery,
    events: Callable[[str], Event | None],
    promoted: Iterable[RegistrationInfo],
    now: datetime,
) -> int:
    """Queue "you have a seat" for each promoted person, in the caller's transaction; how many."""
    told = 0
    for info in promoted:
        event = events(info.event_slug)
        if event is None:  # the event left the knowledge base: nothing to say about it
            continue
        to = recipient_for(
            delivery, email=info.email, chat=info.chat, lang=info.lang, name=info.name
        )
        if to is None:
            log.warning("registration %d got a seat, but no channel reaches the person", info.id)
            continue
        message = promotion_message(event, info, channel=to.channel)
        await delivery.queue(
            session,
            to,
            message.text,
            kind="promotion",
            now=now,
            subject=message.subject,
            event=event.id,
            ics=message.ics,
            ics_filename=message.ics_filename,
            checkin_code=message.checkin_code,
        )
        told += 1
    return told
