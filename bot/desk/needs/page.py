"""An event's needs at the desk (``/desk/arrangementer/<event id>/behov``).

Who needs what, in their own words, the seats with companions, whether each need is arranged
and when staff were alerted about an interpreter; a button per need marks it arranged (the
participant is told on their own channel) or not arranged after all. Each mark is in the
registration's audit trail and the desk's, with the staff member. The files for the venue are
downloaded from here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.arranging.files import CSV_TYPE, PDF_TYPE, venue_csv, venue_pdf
from bot.arranging.lead import BOOKED_AHEAD, lead_begins
from bot.arranging.marking import Arranging, Marked
from bot.arranging.summary import needs_summary
from bot.arranging.texts import count_line
from bot.desk.kit import Desk
from bot.desk.needs import texts
from bot.desk.needs.address import needs_paths
from bot.desk.participants.event import event_form, event_of, paths_of, registration_number
from bot.desk.participants.history import desk_actor
from bot.knowledge.schema import Event
from bot.registrations.needs import NEED_KINDS, need_label
from bot.registrations.on_behalf import CHANNEL as DESK_CHANNEL
from bot.staff import Account

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Line:
    """One need of one person, as a row of the table."""

    id: int
    kind: str
    name: str
    waiting: bool
    seats: str
    need: str
    words: str
    status: str
    alerted: str
    arranged: bool
    booked_ahead: bool
    hidden: str


class NeedsPage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        services = desk.services
        self.arranging = Arranging(services.registrations, services.delivery)

    async def show(self, request: Request, browser_id: str, account: Account) -> Response:
        event = event_of(self.desk, request)
        if event is None:
            return self.desk.not_found_page(request, browser_id, account)
        return await self._page(browser_id, account, event, "")

    async def mark(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await event_form(self.desk, request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        event, form = opened
        number = registration_number(self.desk.field(form, "r", 20))
        kind = self.desk.field(form, "kind", 32)
        arranged = self.desk.field(form, "arranged", 2) == "1"
        summary = await needs_summary(self.desk.services.db, event.id)
        person = summary.person(number) if number is not None else None
        if person is None or kind not in NEED_KINDS:
            said = texts.result_text(self.desk.lang, Marked.NOT_FOUND, "", "")
            return await self._page(browser_id, account, event, said)
        now = self.desk.services.clock()

        def record(session: AsyncSession) -> None:
            self.desk.accounts.audit(
                session,
                account,
                "need_arranged" if arranged else "need_unarranged",
                subject=f"registration:{person.registration_id}",
                at=now,
            )

        marked = await self.arranging.mark(
            event,
            person.registration_id,
            kind,
            arranged=arranged,
            by=account.name,
            actor=desk_actor(account),
            channel=DESK_CHANNEL,
            now=now,
            also=record,
        )
        label = need_label(kind, self.desk.lang)
        said = texts.result_text(self.desk.lang, marked, person.name, label[:1].upper() + label[1:])
        return await self._page(browser_id, account, event, said)

    async def csv(self, request: Request, browser_id: str, account: Account) -> Response:
        return await self._file(request, browser_id, account, "csv")

    async def pdf(self, request: Request, browser_id: str, account: Account) -> Response:
        return await self._file(request, browser_id, account, "pdf")

    async def _file(
        self, request: Request, browser_id: str, account: Account, kind: str
    ) -> Response:
        event = event_of(self.desk, request)
        if event is None:
            return self.desk.not_found_page(request, browser_id, account)
        services = self.desk.services
        summary = await needs_summary(services.db, event.id)
        now = services.clock()
        if kind == "pdf":
            data, media = venue_pdf(event, summary, self.desk.lang, now), PDF_TYPE
        else:
            data, media = venue_csv(summary, self.desk.lang), CSV_TYPE
        async with services.db.transaction() as session:
            self.desk.accounts.audit(
                session, account, "needs_exported", subject=f"event:{event.id}", at=now
            )
        log.info(
            "desk: staff account %d downloaded the needs of %s (%s)", account.id, event.id, kind
        )
        name = f"behov-{event.id}.{kind}"
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def _page(
        self, browser_id: str, account: Account, event: Event, said: str, *, status: int = 200
    ) -> Response:
        lang = self.desk.lang
        services = self.desk.services
        summary = await needs_summary(services.db, event.id)
        t = texts.page_texts(lang)
        lines = []
        for person in summary.people:
            seats = str(person.seats)
            names = ", ".join(n for n in person.companions if n)
            if names:
                seats += f" ({names})"
            for need in person.needs:
                label = need_label(need.kind, lang)
                lines.append(
                    Line(
                        id=person.registration_id,
                        kind=need.kind,
                        name=person.name,
                        waiting=person.waiting,
                        seats=seats,
                        need=label,
                        words=need.words or "",
                        status=(
                            texts.arranged_state(lang, need.arranged_at, need.arranged_by)
                            if need.arranged_at
                            else texts.not_arranged(lang)
                        ),
                        alerted=texts.alerted_text(lang, need.alerted_at)
                        if need.alerted_at
                        else "",
                        arranged=need.arranged,
                        booked_ahead=need.booked_ahead,
                        hidden=texts.hidden_for(lang, person.name, label),
                    )
                )
        counts = [count_line(c, lang) for c in summary.counts]
        lead = []
        if any(line.booked_ahead for line in lines):
            days = services.settings.needs_lead_working_days
            lead = [
                texts.lead_text(lang, lead_begins(event, services.settings), days),
                texts.open_text(lang, summary.open_booked_ahead),
            ]
        paths = needs_paths(event.id)
        heading = f"{t['heading']}: {event.title}"
        return self.desk.page(
            "needs/needs.html",
            browser_id=browser_id,
            account=account,
            status=status,
            title=f"{said} – {heading}" if said else heading,
            heading=heading,
            t=t,
            said=said,
            lead=lead,
            counts=counts,
            lines=lines,
            action=paths.page,
            csv=paths.csv,
            pdf=paths.pdf,
            back=paths_of(event.id).page,
            booked_ahead=sorted(BOOKED_AHEAD),
        )
