"""The events page: upcoming events (soonest first) and past ones (latest first), with numbers.

For each event: when and where, registered and waiting against the seats, the days left to the
signup deadline, open cases, and how many active registrations gave needs to arrange for
(interpreter, wheelchair, diet). Each links to its participants page. Dates and days are
counted in Copenhagen time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from bot.arranging.alerts import NEEDS_PAGE
from bot.clock import TZ
from bot.desk.events import texts
from bot.desk.kit import START, Desk
from bot.i18n import Lang, fmt_date, fmt_time
from bot.knowledge.schema import Event
from bot.registrations.results import EventCounts
from bot.registrations.rules import deadline_passed, event_capacity, signup_closes_at
from bot.staff import Account

EVENTS = START + "/arrangementer"


def event_path(slug: str) -> str:
    """The participants page of an event (its id is the knowledge file's, nothing personal)."""
    return f"{EVENTS}/{slug}"


def short_place(event: Event, online: str) -> str:
    """The venue's name, else its address, else "online"; a dash when the knowledge is silent."""
    venue = event.venue
    if venue is None:
        return "–"
    return venue.name or venue.address or online


def days_to_deadline(event: Event, now: datetime) -> int | None:
    """Whole days from today to the day signup closes (0: today), in Copenhagen; None once it
    has closed."""
    if deadline_passed(event, now):
        return None
    closes = signup_closes_at(event).astimezone(TZ).date()
    return (closes - now.astimezone(TZ).date()).days


@dataclass(frozen=True)
class EventRow:
    """One event as a line of the table."""

    href: str
    title: str
    date: str
    time: str
    place: str
    registered: int
    waiting: int
    capacity: str
    deadline: str
    open_cases: int
    needs: int
    # The event's needs page (``bot.desk.needs``).
    needs_href: str


def event_row(
    event: Event,
    counts: EventCounts | None,
    open_cases: int,
    now: datetime,
    lang: Lang,
    t: dict[str, str],
) -> EventRow:
    capacity = event_capacity(event)
    if event.registration is None:
        deadline = texts.no_registration_text(lang)
    else:
        closes = signup_closes_at(event)
        deadline = texts.deadline_text(
            lang, days_to_deadline(event, now), fmt_date(closes, lang, weekday=False)
        )
    return EventRow(
        href=event_path(event.id),
        title=event.title,
        date=fmt_date(event.start, lang),
        time=fmt_time(event.start, lang),
        place=short_place(event, t["online"]),
        registered=counts.registered if counts else 0,
        waiting=counts.waitlisted if counts else 0,
        capacity=str(capacity) if capacity is not None else t["no_limit"],
        deadline=deadline,
        open_cases=open_cases,
        needs=counts.with_needs if counts else 0,
        needs_href=NEEDS_PAGE.format(slug=event.id),
    )


async def event_rows(desk: Desk, t: dict[str, str]) -> tuple[list[EventRow], list[EventRow]]:
    """The upcoming events (soonest first) and the past ones (latest first), as table rows."""
    services = desk.services
    now = services.clock()
    counts = {c.event_slug: c for c in await services.registrations.counts()}
    per_event: dict[str | None, int] = {}
    for case in await services.cases.open_cases():
        per_event[case.event] = per_event.get(case.event, 0) + 1
    events = list(services.kb.events.values())
    # Compared in UTC: the instant, whatever the offsets (see bot.registrations.rules).
    ended = [e for e in events if e.end.astimezone(UTC) < now.astimezone(UTC)]
    coming = [e for e in events if e not in ended]
    coming.sort(key=lambda e: (e.start.astimezone(UTC), e.id))
    ended.sort(key=lambda e: (e.start.astimezone(UTC), e.id), reverse=True)

    def rows(chosen: list[Event]) -> list[EventRow]:
        return [
            event_row(e, counts.get(e.id), per_event.get(e.id, 0), now, desk.lang, t)
            for e in chosen
        ]

    return rows(coming), rows(ended)


class EventsPage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def show(self, request: Request, browser_id: str, account: Account) -> Response:
        t = texts.events_texts(self.desk.lang)
        upcoming, past = await event_rows(self.desk, t)
        return self.desk.page(
            "events/events.html",
            browser_id=browser_id,
            account=account,
            t=t,
            upcoming=upcoming,
            past=past,
        )
