"""The participants page of one event: the numbers, search, the registered, the waiting list with
each place, the cancelled; each person's needs and the history of their registration; buttons to
cancel and to give a waiting person a seat; links to sign someone up and to download the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from bot.attendance import Attendance
from bot.desk.checkin import texts as checkin_texts
from bot.desk.checkin.address import checkin_path
from bot.desk.events import EVENTS
from bot.desk.kit import Desk
from bot.desk.needs import texts as needs_texts
from bot.desk.needs.address import needs_paths
from bot.desk.participants import texts
from bot.desk.participants.event import Paths, event_of, paths_of
from bot.desk.participants.history import HistoryLine, history
from bot.desk.participants.notices import read
from bot.i18n import Lang, fmt_date, fmt_time, translator
from bot.knowledge.schema import Event
from bot.registrations.confirmation import place_text, session_text, when_text
from bot.registrations.models import RegistrationStatus
from bot.registrations.needs import noted_text
from bot.registrations.results import RegistrationInfo
from bot.registrations.rules import deadline_passed, event_capacity, is_closed, signup_closes_at
from bot.staff import Account

QUERY_LIMIT = 200


def stamp(value: datetime, lang: Lang) -> str:
    """'1. april 2024 kl. 10.00': a date and time without the weekday."""
    _ = translator(lang).gettext
    return _("{date} at {time}").format(
        date=fmt_date(value, lang, weekday=False), time=fmt_time(value, lang)
    )


def deadline_of(event: Event, lang: Lang) -> str:
    """When signup closes, as the knowledge gives it: a day, or a day and a time."""
    closes = signup_closes_at(event)
    registration = event.registration
    if registration is not None and registration.deadline and not registration.deadline_has_time:
        return fmt_date(closes, lang, weekday=False)
    return stamp(closes, lang)


@dataclass(frozen=True)
class Person:
    """A registration as a line of the page."""

    id: int
    name: str
    organisation: str
    email: str
    choice: str
    needs: str
    signed_up: str
    cancelled: str
    position: int | None
    hidden: str  # whom a button acts on, for screen readers
    history: list[HistoryLine] = field(default_factory=list)
    # The kinds of need and the companions on record, in plain words ("Vi har noteret: …").
    noted: str = ""


def person(info: RegistrationInfo, event: Event, lines: list[HistoryLine], lang: Lang) -> Person:
    choice = session_text(event, info.session_key, lang) or (info.session_key or "")
    return Person(
        id=info.id,
        name=info.name,
        organisation=info.organisation,
        email=info.email,
        choice=choice,
        needs=info.needs or "",
        signed_up=stamp(info.created_at, lang),
        cancelled=stamp(info.cancelled_at, lang) if info.cancelled_at else "",
        position=info.position,
        hidden=texts.hidden_for(lang, info.name),
        history=lines,
        noted=noted_text(info.need_kinds, info.companions, lang) or "",
    )


def summary(event: Event, infos: list[RegistrationInfo], now: datetime, lang: Lang) -> list[str]:
    """The numbers of the event, one line each."""
    active = [i for i in infos if i.status is not RegistrationStatus.CANCELLED]
    registered = [i for i in active if i.status is RegistrationStatus.REGISTERED]
    # A companion takes a seat of their own.
    seats = sum(1 + len(i.companions) for i in registered)
    lines = [
        texts.seats_text(lang, seats, event_capacity(event)),
        texts.waiting_text(lang, len(active) - len(registered)),
        texts.needs_count_text(lang, sum(1 for i in active if i.needs or i.need_kinds)),
    ]
    for session in event.sessions:
        label = session_text(event, session.key, lang) or session.key
        taken = sum(1 for i in registered if i.session_key == session.key)
        lines.append(texts.session_line(lang, label, taken, session.capacity))
    if event.registration is not None:
        if is_closed(event):
            lines.append(texts.closed_line(lang))
        else:
            passed = deadline_passed(event, now)
            lines.append(texts.deadline_line(lang, deadline_of(event, lang), passed))
    return lines


async def attendance_lines(desk: Desk, event: Event, registered: int, now: datetime) -> list[str]:
    """Checked in so far, and those not (yet) come: after the day, the no-shows."""
    came = await Attendance(desk.services.db, desk.services.clock).of_event(event.id)
    ended = now.astimezone(UTC) >= event.end.astimezone(UTC)
    return checkin_texts.attendance_lines(desk.lang, len(came.checked_in), registered, ended)


class ParticipantsPage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def show(self, request: Request, browser_id: str, account: Account) -> Response:
        event = event_of(self.desk, request)
        if event is None:
            return self.desk.not_found_page(request, browser_id, account)
        lang = self.desk.lang
        services = self.desk.services
        query = " ".join(request.query_params.get("q", "")[:QUERY_LIMIT].split())
        everyone = await services.registrations.event_registrations(
            event.id, include_cancelled=True
        )
        shown = everyone
        if query:
            shown = await services.registrations.event_registrations(
                event.id, include_cancelled=True, matching=query
            )
        names = {a.id: a.name for a in await self.desk.accounts.all()}
        lines = history(await services.registrations.audit_trail(event.id), names, lang)

        def people(status: RegistrationStatus) -> list[Person]:
            chosen = [i for i in shown if i.status is status]
            if status is RegistrationStatus.CANCELLED:
                chosen.sort(key=lambda i: (i.cancelled_at or i.created_at, i.id), reverse=True)
            return [person(i, event, lines.get(i.id, []), lang) for i in chosen]

        registered = people(RegistrationStatus.REGISTERED)
        waiting = people(RegistrationStatus.WAITLISTED)
        cancelled = people(RegistrationStatus.CANCELLED)
        now = services.clock()
        capacity = event_capacity(event)
        active = [i for i in everyone if i.status is not RegistrationStatus.CANCELLED]
        taken = sum(1 for i in active if i.status is RegistrationStatus.REGISTERED)
        waiting_all = len(active) - taken
        fill = waiting_all > 0 and (capacity is None or taken < capacity)
        fill_text = ""
        if fill:
            free = None if capacity is None else capacity - taken
            fill_text = texts.free_seats_text(lang, free, waiting_all)
        paths: Paths = paths_of(event.id)
        return self.desk.page(
            "participants/participants.html",
            browser_id=browser_id,
            account=account,
            title=event.title,
            t=texts.page_texts(lang),
            when_where=texts.when_where(lang, when_text(event, lang), place_text(event, lang)),
            summary=summary(event, everyone, now, lang)
            + await attendance_lines(self.desk, event, taken, now),
            notice=read(request.query_params, {i.id: i for i in everyone}, lang),
            query=query,
            found=texts.found_text(lang, query, len(shown)) if query else "",
            registered=registered,
            waiting=waiting,
            cancelled=cancelled,
            sessions=bool(event.sessions),
            fill=fill,
            fill_text=fill_text,
            paths=paths,
            checkin=checkin_path(event.id),
            checkin_label=checkin_texts.page_texts(lang)["heading"],
            needs=needs_paths(event.id).page,
            needs_label=needs_texts.page_texts(lang)["link"],
            events=EVENTS,
            ended=now.astimezone(UTC) >= event.end.astimezone(UTC),
        )
