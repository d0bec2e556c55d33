"""Calendar files (.ics) for confirmations: the event in the participant's own calendar.

Times are written as Copenhagen wall-clock times with ``TZID=Europe/Copenhagen`` and the matching
``VTIMEZONE``, so calendars show the right hour whatever zone the reader's device is in, also
across the changes to and from summer time. ``METHOD:PUBLISH`` makes it a file to add, not a
meeting invitation that asks the reader to accept or decline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from bot.clock import TZ
from bot.knowledge.schema import Event
from bot.registrations.results import RegistrationInfo

PRODID = "-//Deltagerbot//Deltagerbot//DA"
UID_DOMAIN = "deltagerbot"


def calendar_filename(event: Event) -> str:
    """The file name to attach the calendar under."""
    return f"{event.id}.ics"


def event_calendar(
    event: Event,
    *,
    location: str | None,
    description: str | None,
    registration: RegistrationInfo | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """An iCalendar file with the event; one UID per registration, so a re-send updates it."""
    stamp = stamp or (registration.created_at if registration else datetime.now(UTC))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    # Only the years the event spans, to keep the file small.
    calendar.add_component(
        Timezone.from_tzid(
            "Europe/Copenhagen",
            first_date=date(event.start.year, 1, 1),
            last_date=date(event.end.year + 1, 1, 1),
        )
    )
    entry = VEvent()
    uid = f"{event.id}-{registration.id}" if registration else event.id
    entry.add("uid", f"{uid}@{UID_DOMAIN}")
    entry.add("dtstamp", stamp.astimezone(UTC))
    entry.add("dtstart", event.start.astimezone(TZ))
    entry.add("dtend", event.end.astimezone(TZ))
    entry.add("summary", event.title)
    if location:
        entry.add("location", location)
    if description:
        entry.add("description", description)
    if event.registration and event.registration.url:
        entry.add("url", event.registration.url)
    entry.add("status", "CONFIRMED")
    entry.add("transp", "OPAQUE")
    calendar.add_component(entry)
    ical: bytes = calendar.to_ical()
    return ical
