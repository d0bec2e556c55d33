"""Signing someone up at the desk: the form (``GET``) and the signup (``POST``).

The form asks what every channel asks (name, e-mail, organisation, the choice of session where
the event has one, needs) and the language of the confirmation. The rules are the service's
(:func:`~bot.registrations.form.check_signup` for the form, then the signup itself); this module
only says their answers in words for staff. A signup goes through
:class:`~bot.registrations.on_behalf.OnBehalf`: the staff member named in the audit, the person
told by e-mail, the desk's audit written, all in one transaction. Then the participants page,
which says what happened (registered, or on the waiting list as number N).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.desk.kit import Desk
from bot.desk.participants import notices, texts
from bot.desk.participants.event import event_form, event_of, paths_of
from bot.desk.participants.history import desk_actor
from bot.desk.participants.page import deadline_of
from bot.i18n import Lang, normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.confirmation import session_text
from bot.registrations.form import NAME_LIMIT, NEEDS_LIMIT, InvalidSignup, SignupForm, check_signup
from bot.registrations.models import RegistrationStatus
from bot.registrations.on_behalf import OnBehalf
from bot.registrations.results import Outcome, Result
from bot.registrations.rules import (
    deadline_passed,
    is_closed,
    session_required,
    sessions_chosen_at_signup,
)
from bot.staff import Account

log = logging.getLogger(__name__)

FIELDS = ("name", "email", "organisation", "session", "needs")


@dataclass(frozen=True)
class Given:
    """The form as staff filled it in."""

    name: str = ""
    email: str = ""
    organisation: str = ""
    session: str = ""
    needs: str = ""
    lang: Lang = "da"

    @classmethod
    def read(cls, desk: Desk, form: FormData) -> Given:
        return cls(
            name=desk.field(form, "name", NAME_LIMIT + 1),
            email=desk.field(form, "email", 320),
            organisation=desk.field(form, "organisation", NAME_LIMIT + 1),
            session=desk.field(form, "session", 40),
            needs=desk.field(form, "needs", NEEDS_LIMIT + 1),
            lang=normalise_lang(desk.field(form, "lang", 8) or "da"),
        )

    def signup_form(self) -> SignupForm:
        return SignupForm(
            name=self.name,
            email=self.email,
            organisation=self.organisation,
            session=self.session or None,
            needs=self.needs or None,
            lang=self.lang,
        )


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    seats: str


def closed_reason(event: Event, now: datetime, lang: Lang) -> str | None:
    """Why nobody can be signed up now, or None."""
    if is_closed(event):
        return texts.closed_text(lang, None)
    if deadline_passed(event, now):
        return texts.closed_text(lang, deadline_of(event, lang))
    return None


class SignupPage:
    def __init__(self, desk: Desk, on_behalf: OnBehalf) -> None:
        self.desk = desk
        self.on_behalf = on_behalf

    async def _choices(self, event: Event) -> list[Choice]:
        if not sessions_chosen_at_signup(event):
            return []
        lang = self.desk.lang
        infos = await self.desk.services.registrations.event_registrations(event.id)
        choices = []
        for session in event.sessions:
            seats = ""
            if session.capacity is not None:
                taken = sum(
                    1
                    for i in infos
                    if i.session_key == session.key and i.status is RegistrationStatus.REGISTERED
                )
                seats = texts.session_seats(lang, taken, session.capacity)
            label = session_text(event, session.key, lang) or session.key
            choices.append(Choice(session.key, label, seats))
        return choices

    async def _form(
        self,
        request: Request,
        browser_id: str,
        account: Account,
        event: Event,
        *,
        given: Given | None = None,
        errors: dict[str, str] | None = None,
        closed: str | None = None,
        status: int = 200,
    ) -> Response:
        lang = self.desk.lang
        t = texts.signup_texts(lang)
        values: dict[str, Any] = asdict(given or Given(lang=lang))
        return self.desk.page(
            "participants/signup.html",
            browser_id=browser_id,
            account=account,
            status=status,
            title=t["title"],
            t=t,
            event_title=event.title,
            paths=paths_of(event.id),
            values=values,
            errors=errors or {},
            order=[f for f in FIELDS if f in (errors or {})],
            choices=await self._choices(event),
            session_required=session_required(event),
            closed=closed or closed_reason(event, self.desk.services.clock(), lang),
            mails=self.on_behalf.mails(),
        )

    async def form(self, request: Request, browser_id: str, account: Account) -> Response:
        event = event_of(self.desk, request)
        if event is None:
            return self.desk.not_found_page(request, browser_id, account)
        return await self._form(request, browser_id, account, event)

    def _problems(self, event: Event, given: Given) -> dict[str, str]:
        """Each refused field with what to do about it, in staff's words."""
        _clean, problems = check_signup(event, given.signup_form())
        return {
            p.field: texts.field_problem(
                self.desk.lang, p.field, not str(getattr(given, p.field, "")).strip()
            )
            for p in problems
        }

    async def submit(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await event_form(self.desk, request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        event, form = opened
        given = Given.read(self.desk, form)
        errors = self._problems(event, given)
        if errors:
            return await self._form(
                request, browser_id, account, event, given=given, errors=errors, status=400
            )
        now = self.desk.services.clock()

        async def record(session: AsyncSession, result: Result) -> None:
            if result.outcome in (Outcome.REGISTERED, Outcome.WAITLISTED) and result.registration:
                self.desk.accounts.audit(
                    session,
                    account,
                    "registration_added",
                    subject=f"registration:{result.registration.id}",
                    at=now,
                )

        try:
            done = await self.on_behalf.signup(
                event, given.signup_form(), actor=desk_actor(account), now=now, also=record
            )
        except InvalidSignup as refused:  # the rules changed between the check and the signup
            errors = {
                p.field: texts.field_problem(self.desk.lang, p.field, False)
                for p in refused.problems
            }
            return await self._form(
                request, browser_id, account, event, given=given, errors=errors, status=400
            )
        result = done.result
        info = result.registration
        log.info(
            "desk: staff account %d signed up a person for %s: %s",
            account.id,
            event.id,
            result.outcome.value,
        )
        page = paths_of(event.id).page
        if result.outcome is Outcome.REGISTERED and info is not None:
            to = notices.after(page, notices.REGISTERED, registration=info.id, told=done.told)
        elif result.outcome is Outcome.WAITLISTED and info is not None:
            to = notices.after(
                page,
                notices.WAITLISTED,
                registration=info.id,
                position=info.position,
                told=done.told,
            )
        elif result.outcome is Outcome.ALREADY_REGISTERED and info is not None:
            to = notices.after(page, notices.ALREADY, registration=info.id)
        else:  # the deadline passed, or signup closed, while the form was open
            return await self._form(
                request,
                browser_id,
                account,
                event,
                given=given,
                closed=closed_reason(event, now, self.desk.lang)
                or texts.closed_text(self.desk.lang, None),
                status=409,
            )
        return RedirectResponse(to, status_code=303)
