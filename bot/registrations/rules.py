"""The rules of signing up that need no database: when signup closes, and session choices.

Every time here is aware and compared as an instant; the deadline a knowledge file gives is a
Copenhagen wall-clock time (a bare date means the end of that day in Copenhagen), so a signup at
23:59 Copenhagen time on the deadline day counts, whatever the offset of ``now``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.clock import localize
from bot.knowledge.schema import Event, Session


def signup_closes_at(event: Event) -> datetime:
    """The last moment a signup is accepted: the deadline, or else the start of the event."""
    registration = event.registration
    if registration is not None and registration.deadline_at is not None:
        return registration.deadline_at
    return event.start


def deadline_passed(event: Event, now: datetime) -> bool:
    """Whether signup for the event has closed by ``now``."""
    # In UTC: two times in the same zone compare by wall clock, wrong in October's repeated hour.
    return localize(now).astimezone(UTC) > signup_closes_at(event).astimezone(UTC)


def is_closed(event: Event) -> bool:
    """Whether the knowledge file says signup is closed (``registration.open: false``)."""
    return event.registration is not None and not event.registration.open


def session_required(event: Event) -> bool:
    """Whether a session must be chosen when signing up."""
    registration = event.registration
    return bool(
        registration and registration.sessions and registration.choose_session == "at_signup"
    )


def sessions_chosen_at_signup(event: Event) -> bool:
    """Whether a session may be chosen at signup (required, or optional when unspecified)."""
    registration = event.registration
    return bool(
        registration and registration.sessions and registration.choose_session != "on_the_day"
    )


def find_session(event: Event, key: str | None) -> Session | None:
    """The session with this key ('1', 'a' for 'A'), or None."""
    if key is None:
        return None
    wanted = key.strip().casefold()
    return next((s for s in event.sessions if s.key.casefold() == wanted), None)


def session_named(event: Event, text: str | None) -> Session | None:
    """The one session a person's words name, by its label ("session 2", "workshop B", "spor
    2") or its title ("Socialpsykiatri"); None when none or more than one is named."""
    if not text or not event.sessions:
        return None
    folded = " ".join(text.casefold().split())
    named = [
        s
        for s in event.sessions
        if re.search(
            rf"\b(?:{re.escape(s.kind)}|session|workshop|spor|track|gruppe)\s*(?:nr\.?\s*)?"
            rf"{re.escape(s.key.casefold())}\b",
            folded,
        )
        or (len(s.title) >= 4 and " ".join(s.title.casefold().split()) in folded)
    ]
    return named[0] if len(named) == 1 else None


def event_capacity(event: Event) -> int | None:
    """Seats for the whole event, or None when the knowledge file gives no limit."""
    return event.registration.capacity if event.registration else None
