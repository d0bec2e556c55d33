"""The check-in page of one event (``/desk/arrangementer/<event id>/tjek-ind``).

Staff check people in at the door: with the code (scanned by the phone's camera where the
browser can read QR codes, else typed or pasted into the field) or by the person's name in the
list. Both are plain forms, so the page works without a camera and without JavaScript; the
scanner only fills in the field and sends the same form. The answer is one sentence, in a live
region and in the page's title, so a screen reader says it at once; the field is ready for the
next code. Each check-in is in the desk's audit trail with the staff member's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.attendance import Attendance, CheckIn, CheckInOutcome
from bot.attendance.certificate import PDF, issue
from bot.desk.checkin import texts
from bot.desk.checkin.address import certificate_path, checkin_path
from bot.desk.evaluation.address import evaluation_path
from bot.desk.kit import Desk
from bot.desk.participants.event import event_form, event_of, paths_of, registration_number
from bot.desk.participants.texts import hidden_for
from bot.i18n import normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.models import RegistrationStatus
from bot.staff import Account

# The camera is this page's alone: every other page keeps the server's "camera=()".
PERMISSIONS = "camera=(self), microphone=(), geolocation=(), payment=()"


@dataclass(frozen=True)
class Line:
    """A registered person as a line of the list."""

    id: int
    name: str
    organisation: str
    status: str
    checked_in: bool
    hidden: str


class CheckinPage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.attendance = Attendance(desk.services.db, desk.services.clock)

    async def show(self, request: Request, browser_id: str, account: Account) -> Response:
        event = event_of(self.desk, request)
        if event is None:
            return self.desk.not_found_page(request, browser_id, account)
        return await self._page(browser_id, account, event, None)

    async def check_in(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await event_form(self.desk, request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        event, form = opened

        def record(session: AsyncSession, result: CheckIn) -> None:
            self.desk.accounts.audit(
                session, account, "checked_in", subject=f"registration:{result.registration_id}"
            )

        number = registration_number(self.desk.field(form, "r", 20))
        if number is not None:
            result = await self.attendance.check_in_registration(
                event.id, number, by=account.name, record=record
            )
        else:
            result = await self.attendance.check_in_code(
                event.id, self.desk.field(form, "code", 64), by=account.name, record=record
            )
        return await self._page(browser_id, account, event, result)

    async def certificate(self, request: Request, browser_id: str, account: Account) -> Response:
        """The certificate of participation of someone checked in, as a PDF to download."""
        opened = await event_form(self.desk, request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        event, form = opened
        number = registration_number(self.desk.field(form, "r", 20))
        came = (await self.attendance.of_event(event.id)).checked_in
        registered = await self.desk.services.registrations.event_registrations(event.id)
        found = next((i for i in registered if i.id == number and i.id in came), None)
        if found is None:  # not (or no longer) someone checked in: the page as it is now
            return await self._page(browser_id, account, event, None)
        now = self.desk.services.clock()
        lang = normalise_lang(found.lang)  # the participant's own language
        made = await issue(self.desk.services.db, event, found.id, found.name, lang=lang, now=now)
        async with self.desk.services.db.transaction() as session:
            self.desk.accounts.audit(
                session, account, "certificate_made", subject=f"registration:{found.id}", at=now
            )
        return Response(
            made.pdf,
            media_type=PDF,
            headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
        )

    async def _page(
        self, browser_id: str, account: Account, event: Event, result: CheckIn | None
    ) -> Response:
        lang = self.desk.lang
        services = self.desk.services
        registered = await services.registrations.event_registrations(event.id)
        registered = [i for i in registered if i.status is RegistrationStatus.REGISTERED]
        came = (await self.attendance.of_event(event.id)).checked_in
        lines = [
            Line(
                id=i.id,
                name=i.name,
                organisation=i.organisation,
                status=texts.checked_in_at(lang, came[i.id]) if i.id in came else "",
                checked_in=i.id in came,
                hidden=hidden_for(lang, i.name),
            )
            for i in sorted(registered, key=lambda i: i.name.casefold())
        ]
        ended = services.clock().astimezone(UTC) >= event.end.astimezone(UTC)
        checked = sum(1 for line in lines if line.checked_in)
        said = texts.result_text(lang, result) if result is not None else ""
        t = texts.page_texts(lang)
        response = self.desk.page(
            "checkin/checkin.html",
            browser_id=browser_id,
            account=account,
            title=f"{said} – {t['heading']}" if said else f"{t['heading']}: {event.title}",
            heading=f"{t['heading']}: {event.title}",
            t=t,
            said=said,
            problem=result is not None and result.outcome is CheckInOutcome.UNKNOWN,
            summary=texts.attendance_lines(lang, checked, len(lines), ended),
            lines=lines,
            action=checkin_path(event.id),
            certificate=certificate_path(event.id),
            back=paths_of(event.id).page,
            evaluation=evaluation_path(event.id),
        )
        response.headers["Permissions-Policy"] = PERMISSIONS
        return response
