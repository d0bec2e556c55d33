"""The participant list to download: CSV (as the command line writes it) or an Excel workbook.

The registered and the waiting list, with places and needs (``bot.registrations.export``), in
the staff's language. A list of people leaves the desk with it, so the desk's audit records who
downloaded which event's list; the file's name holds only the event's id.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from bot.attendance import Attendance
from bot.desk.kit import Desk
from bot.desk.participants.event import event_of
from bot.registrations.export import CSV_TYPE, XLSX_TYPE, export_csv, export_xlsx
from bot.staff import Account

log = logging.getLogger(__name__)


class Downloads:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def _download(
        self, request: Request, browser_id: str, account: Account, kind: str
    ) -> Response:
        event = event_of(self.desk, request)
        if event is None:
            return self.desk.not_found_page(request, browser_id, account)
        services = self.desk.services
        infos = await services.registrations.event_registrations(event.id)
        came = (await Attendance(services.db, services.clock).of_event(event.id)).checked_in
        lang = self.desk.lang
        if kind == "xlsx":
            data, media = export_xlsx(infos, event, lang=lang, checked_in=came), XLSX_TYPE
        else:
            data, media = export_csv(infos, event, lang=lang, checked_in=came), CSV_TYPE
        async with services.db.transaction() as session:
            self.desk.accounts.audit(
                session,
                account,
                "participants_exported",
                subject=f"event:{event.id}",
                at=services.clock(),
            )
        log.info(
            "desk: staff account %d downloaded the list of %s (%s)", account.id, event.id, kind
        )
        name = f"deltagere-{event.id}.{kind}"
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def csv(self, request: Request, browser_id: str, account: Account) -> Response:
        return await self._download(request, browser_id, account, "csv")

    async def xlsx(self, request: Request, browser_id: str, account: Account) -> Response:
        return await self._download(request, browser_id, account, "xlsx")
