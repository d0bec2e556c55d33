"""Changing a registration at the desk: cancel, give a waiting person a seat, fill free seats.

Each is a posted form naming the registration by its number. Cancelling asks once more first;
so does a seat beyond the capacity. Each change goes through
:class:`~bot.registrations.on_behalf.OnBehalf` (the service's rules, the staff member in the
registration's audit, those who got a seat told) with the desk's audit in the same transaction,
and ends on the participants page, which says what happened. A number that is not (or no longer)
what the page showed changes nothing, and the page says so.

Moving up is staff's decision, out of the waiting list's order: a free seat goes to the chosen
person at once; when every seat is taken, the desk asks whether to give an extra seat beyond the
capacity, and only then gives one (see ``RegistrationService.move_up``).
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.desk.kit import Desk
from bot.desk.participants import notices, texts
from bot.desk.participants.event import event_form, paths_of, registration_number
from bot.desk.participants.history import desk_actor
from bot.knowledge.schema import Event
from bot.registrations.confirmation import session_text
from bot.registrations.models import RegistrationStatus
from bot.registrations.on_behalf import OnBehalf
from bot.registrations.results import MoveUp, MoveUpOutcome, Outcome, Result
from bot.staff import Account
from bot.staff.accounts import Action

log = logging.getLogger(__name__)


def _stale(event: Event) -> Response:
    return RedirectResponse(notices.after(paths_of(event.id).page, notices.STALE), status_code=303)


class ChangePages:
    def __init__(self, desk: Desk, on_behalf: OnBehalf) -> None:
        self.desk = desk
        self.on_behalf = on_behalf

    def _confirm(
        self,
        browser_id: str,
        account: Account,
        event: Event,
        *,
        action: str,
        registration: int,
        field: str,
        words: dict[str, str],
    ) -> Response:
        return self.desk.page(
            "participants/confirm.html",
            browser_id=browser_id,
            account=account,
            title=words["title"],
            words=words,
            action=action,
            registration=registration,
            field=field,
            back=paths_of(event.id).page,
        )

    # -- cancel ---------------------------------------------------------------------------

    async def cancel(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await event_form(self.desk, request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        event, form = opened
        number = registration_number(self.desk.field(form, "r", 20))
        if number is None:
            return _stale(event)
        if self.desk.field(form, "confirm", 4) != "1":
            return await self._ask_cancel(browser_id, account, event, number)
        now = self.desk.services.clock()

        async def record(session: AsyncSession, result: Result) -> None:
            if result.outcome is Outcome.CANCELLED:
                self.desk.accounts.audit(
                    session,
                    account,
                    "registration_cancelled",
                    subject=f"registration:{number}",
                    at=now,
                )

        done = await self.on_behalf.cancel(
            event, number, actor=desk_actor(account), now=now, also=record
        )
        result = done.result
        log.info(
            "desk: staff account %d cancelled registration %d of %s: %s, promoted %d",
            account.id,
            number,
            event.id,
            result.outcome.value,
            len(result.promoted),
        )
        if result.outcome is not Outcome.CANCELLED:
            return _stale(event)
        to = notices.after(
            paths_of(event.id).page,
            notices.CANCELLED,
            registration=number,
            promoted=[p.id for p in result.promoted],
            told=done.told,
        )
        return RedirectResponse(to, status_code=303)

    async def _ask_cancel(
        self, browser_id: str, account: Account, event: Event, number: int
    ) -> Response:
        infos = await self.desk.services.registrations.event_registrations(event.id)
        info = next((i for i in infos if i.id == number), None)
        if info is None:
            return _stale(event)
        waiting = sum(1 for i in infos if i.status is RegistrationStatus.WAITLISTED)
        words = texts.cancel_question(
            self.desk.lang,
            info.name,
            info.email,
            event.title,
            info.status is RegistrationStatus.REGISTERED,
            waiting,
            self.on_behalf.mails(),
        )
        return self._confirm(
            browser_id,
            account,
            event,
            action=paths_of(event.id).cancel,
            registration=number,
            field="confirm",
            words=words,
        )

    # -- move up --------------------------------------------------------------------------

    async def move_up(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await event_form(self.desk, request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        event, form = opened
        number = registration_number(self.desk.field(form, "r", 20))
        if number is None:
            return _stale(event)
        extra = self.desk.field(form, "extra", 4) == "1"
        now = self.desk.services.clock()

        async def record(session: AsyncSession, moved: MoveUp) -> None:
            beyond = moved.outcome is MoveUpOutcome.EXTRA_SEAT
            action: Action = "extra_seat" if beyond else "moved_up"
            self.desk.accounts.audit(
                session, account, action, subject=f"registration:{number}", at=now
            )

        moved = await self.on_behalf.move_up(
            event, number, actor=desk_actor(account), now=now, extra_seat=extra, also=record
        )
        log.info(
            "desk: staff account %d moved up registration %d of %s: %s",
            account.id,
            number,
            event.id,
            moved.outcome.value,
        )
        page = paths_of(event.id).page
        if moved.outcome is MoveUpOutcome.NO_SEAT and moved.registration is not None:
            session = session_text(event, moved.session_key, self.desk.lang)
            words = texts.extra_seat_question(
                self.desk.lang,
                moved.registration.name,
                moved.capacity or 0,
                moved.taken,
                session,
            )
            return self._confirm(
                browser_id,
                account,
                event,
                action=paths_of(event.id).move_up,
                registration=number,
                field="extra",
                words=words,
            )
        codes = {
            MoveUpOutcome.MOVED_UP: notices.MOVED_UP,
            MoveUpOutcome.EXTRA_SEAT: notices.EXTRA_SEAT,
            MoveUpOutcome.ENDED: notices.ENDED,
        }
        code = codes.get(moved.outcome)
        if code is None:
            return _stale(event)
        return RedirectResponse(notices.after(page, code, registration=number), status_code=303)

    # -- free seats to the waiting list ---------------------------------------------------

    async def fill(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await event_form(self.desk, request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        event, _form = opened
        now = self.desk.services.clock()
        promoted = await self.on_behalf.fill_free_seats(event, actor=desk_actor(account), now=now)
        async with self.desk.services.db.transaction() as session:
            self.desk.accounts.audit(
                session, account, "free_seats_filled", subject=f"event:{event.id}", at=now
            )
        log.info(
            "desk: staff account %d gave free seats of %s to %d waiting",
            account.id,
            event.id,
            len(promoted),
        )
        to = notices.after(
            paths_of(event.id).page, notices.FILLED, promoted=[p.id for p in promoted]
        )
        return RedirectResponse(to, status_code=303)
