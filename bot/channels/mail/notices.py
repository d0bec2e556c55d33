"""E-mails the bot writes on its own initiative, queued in the caller's transaction.

A seat from the waiting list: whoever cancelled, through whichever channel, the person who gets
the seat is told by e-mail (every registration has an address), unless a chat channel can tell
them directly. Queued with the change that freed the seat, so the notice cannot be lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.mail.outbox import Outbox
from bot.knowledge.schema import Event
from bot.registrations.confirmation import promotion_message
from bot.registrations.results import RegistrationInfo


async def queue_promotions(
    session: AsyncSession,
    outbox: Outbox,
    event: Event,
    promoted: Iterable[RegistrationInfo],
    now: datetime,
) -> int:
    """Queue the 'you have a seat' e-mail for each promoted person; how many were queued."""
    count = 0
    for info in promoted:
        message = promotion_message(event, info, channel="email")
        await outbox.enqueue(
            session,
            to=info.email,
            subject=message.subject,
            body=message.text,
            event=event.id,
            ics=message.ics,
            ics_filename=message.ics_filename,
            now=now,
        )
        count += 1
    return count
