"""Telling a person by e-mail what came of a signup or cancellation made without their chat.

A chat's signup on an address the chat did not prove, and staff acting for a person at the desk,
both tell the person at the address the registration has: what :func:`message_for` says of the
result (with the calendar file when there is a seat), and below it why this e-mail came. It is
queued in the change's own transaction, so it goes out with the change or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import Delivery, Recipient
from bot.i18n import Lang
from bot.knowledge.schema import Event
from bot.registrations.confirmation import message_for
from bot.registrations.identity import EMAIL
from bot.registrations.results import Result


async def queue_outcome_mail(
    session: AsyncSession,
    delivery: Delivery,
    event: Event,
    result: Result,
    *,
    to: str,
    lang: Lang,
    why: str,
    now: datetime,
) -> bool:
    """Queue the outcome for the address ``to`` in the session's transaction; False (nothing
    queued) when this bot has no mailbox to send it from."""
    if not delivery.reaches(EMAIL):
        return False
    info = result.registration
    message = message_for(result, event, lang=lang, channel=EMAIL)
    await delivery.queue(
        session,
        Recipient(EMAIL, to, lang, info.name if info else None),
        f"{message.text}\n\n{why}",
        kind="confirmation",
        now=now,
        subject=message.subject,
        event=event.id,
        ics=message.ics,
        ics_filename=message.ics_filename,
        checkin_code=message.checkin_code,
    )
    return True
