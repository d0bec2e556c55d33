"""A person signed up changing what they need, in their own words ("jeg har alligevel brug for
tolk", "min ledsager kommer alligevel ikke med"), on any channel that knows who they are.

Only a statement changes anything: a question ("Har I teleslynge?") is for the answering core.
The registration changed is the one for the event the person is talking about, else their only
one; with several and none chosen, nothing is changed (the message goes on as a question).
"""

from __future__ import annotations

from datetime import datetime

from bot.knowledge.schema import Event
from bot.registrations.identity import Identity
from bot.registrations.needs import read_needs
from bot.registrations.results import Outcome, Result
from bot.registrations.service import EventLookup, RegistrationService
from bot.understanding.segments import segments


async def change_needs(
    service: RegistrationService,
    events: EventLookup,
    who: Identity,
    text: str,
    *,
    about: str | None,
    channel: str,
    now: datetime,
) -> tuple[Event, Result] | None:
    """The update made, with its event; None when the message changes no need."""
    pieces = segments(text)
    if not pieces or any(piece.asks for piece in pieces):
        return None
    read = read_needs(text)
    if not read.says_anything:
        return None
    mine = await service.registrations_of(who, now=now)
    chosen = [i for i in mine if i.event_slug == about] or (mine if len(mine) == 1 else [])
    event = events(chosen[0].event_slug) if chosen else None
    if event is None:
        return None
    result = await service.update_needs(event, who, read, channel=channel, now=now)
    return (event, result) if result.outcome is Outcome.UPDATED else None
