"""Which needs must be booked ahead, and when their lead time begins.

An interpreter (sign language or writing) is booked days ahead; ``needs_lead_working_days``
working days before the event (Monday to Friday, not Danish public holidays: the reminders'
calendar), at the reminders' time of day, the lead time begins. A need arriving after that is
late, and staff are alerted at once; one still not arranged then is alerted by the job.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.clock import TZ, at
from bot.knowledge.schema import Event
from bot.registrations.needs import SIGN_LANGUAGE, WRITING_INTERPRETER
from bot.reminders.schedule import is_working_day, utc, working_days_before
from bot.settings import Settings

# The kinds of need that must be booked ahead with someone outside the secretariat.
BOOKED_AHEAD: frozenset[str] = frozenset({SIGN_LANGUAGE, WRITING_INTERPRETER})


def lead_begins(event: Event, settings: Settings) -> datetime:
    """The moment the lead time of the event's booked-ahead needs begins (Copenhagen time)."""
    day = event.start.astimezone(TZ).date()
    first = working_days_before(day, settings.needs_lead_working_days)
    return at(first, settings.reminder_time)


def in_lead_time(event: Event, settings: Settings, now: datetime) -> bool:
    """Whether the lead time has begun and the event has not."""
    return utc(lead_begins(event, settings)) <= utc(now) < utc(event.start)


def working_days_left(event: Event, now: datetime) -> int:
    """Working days from today (not counted) to the event's day (not counted)."""
    day: date = now.astimezone(TZ).date() + timedelta(days=1)
    end = event.start.astimezone(TZ).date()
    count = 0
    while day < end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
