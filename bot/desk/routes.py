"""The desk's addresses: signing in and out, one-time links, and the start page.

- ``GET /desk``: the start page (upcoming events with their numbers, open cases).
- ``GET|POST /desk/log-ind``: the sign-in form (e-mail and password).
- ``POST /desk/log-ud``: signs out (the session ends on the server).
- ``POST /desk/link``: "send me a link": the same answer whether or not the address has an
  account.
- ``GET /desk/link/<token>``: a page with one button; ``POST`` there signs in and uses up the
  link. A GET never uses it, so a mail program looking at the link first does no harm.

Every other address under /desk, and the start page, answers only a signed-in staff member:
without a live session it is a redirect to the sign-in page, with nothing else in the response.
Every form carries the browser's form token and must come from the server's own pages. URLs
hold nothing personal (a link's token is a random number, used once); the logs name accounts
by number only. The desk's pages may not be shown in any frame.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.desk import texts
from bot.i18n import fmt_date, fmt_time, normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.identity import EMAIL
from bot.registrations.results import EventCounts
from bot.services import Services
from bot.staff import Account, Signin, StaffAccounts
from bot.web.headers import policy
from bot.web.limits import RateLimiter
from bot.web.origin import from_this_site
from bot.web.pages import Pages
from bot.web.sessions import SessionKeys, served_securely

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
START = "/desk"
SIGNIN = "/desk/log-ind"
SIGNOUT = "/desk/log-ud"
LINK = "/desk/link"
# Sign-in attempts and link requests from one client address: a burst, then one per 15 s.
ADDRESS_RATE = 1 / 15
ADDRESS_BURST = 20
# The desk is never framed. (Its pages' addresses go to no other site anyway: the shared
# Referrer-Policy is same-origin; no-referrer would make browsers post forms with Origin: null.)
HEADERS = {"Content-Security-Policy": policy(frame_ancestors="'none'"), "X-Frame-Options": "DENY"}

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE"]

Handler = Callable[[Request, str, Account], Awaitable[Response]]


class DeskRoutes:
    """The desk's request handlers."""

    def __init__(
        self,
        services: Services,
        cookie: SessionKeys,
        pages: Pages,
        accounts: StaffAccounts | None = None,
    ) -> None:
        self.services = services
        self.settings = services.settings
        self.accounts = accounts or StaffAccounts(services.db)
        self.cookie = cookie
        self.pages = pages
        self.lang = normalise_lang(self.settings.staff_language)
        self.per_address = RateLimiter(ADDRESS_RATE, ADDRESS_BURST)

    def routes(self) -> list[BaseRoute]:
        return [
            Route(START, self._guarded(self.start), methods=["GET"]),
            Route(SIGNIN, self._open(self.signin_page), methods=["GET"]),
            Route(SIGNIN, self._open(self.signin), methods=["POST"]),
            Route(SIGNOUT, self._open(self.signout), methods=["POST"]),
            Route(LINK, self._open(self.ask_link), methods=["POST"]),
            Route(LINK + "/{token}", self._open(self.link_page), methods=["GET"]),
            Route(LINK + "/{token}", self._open(self.use_link), methods=["POST"]),
            # Anything else under /desk, in any method: sign-in first, then "not found".
            Route(START, self._guarded(self.not_found), methods=OTHER_METHODS),
            Route(START + "/{rest:path}", self._guarded(self.not_found), methods=ALL_METHODS),
        ]

    # -- pieces ---------------------------------------------------------------------------

    @staticmethod
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers[name] = value
        return response

    def _open(self, handler: Callable[[Request], Awaitable[Response]]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            return self._headers(await handler(request))

        return endpoint

    def _guarded(self, handler: Handler) -> Callable[..., Any]:
        """Only for a live session; anyone else is sent to sign in, and told nothing."""

        async def endpoint(request: Request) -> Response:
            browser_id = self.cookie.read(request)
            account = await self.accounts.session(browser_id)
            if browser_id is None or account is None:
                return self._headers(RedirectResponse(SIGNIN, status_code=303))
            return self._headers(await handler(request, browser_id, account))

        return endpoint

    @staticmethod
    def _address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def _secure(self, request: Request) -> bool:
        return served_securely(request, self.settings.web_public_url)

    def _links_offered(self) -> bool:
        """Whether sign-in links can be sent: mail is set up, and the server knows its public
        address (a link's address never comes from the request, which anyone can write)."""
        return self.services.delivery.reaches(EMAIL) and bool(self.settings.web_public_url)

    async def _posted(self, request: Request) -> tuple[str, FormData] | None:
        """The browser id and form of a POST with the right token from the server's own page."""
        form = await request.form(max_files=0, max_fields=10)
        browser_id = self.cookie.read(request)
        if not from_this_site(request, self.settings.web_public_url):
            return None
        if browser_id is None or not self.cookie.token_ok(browser_id, form.get("csrf")):
            return None
        return browser_id, form

    @staticmethod
    def _field(form: FormData, name: str, limit: int = 320) -> str:
        value = form.get(name)
        return value[:limit] if isinstance(value, str) else ""

    def _page(
        self,
        template: str,
        *,
        browser_id: str,
        account: Account | None = None,
        status: int = 200,
        new_cookie: bool = False,
        request: Request | None = None,
        **context: Any,
    ) -> Response:
        response = self.pages.page(
            f"desk/{template}",
            status,
            lang=self.lang,
            chrome=texts.chrome_texts(self.lang),
            account=account,
            token=self.cookie.form_token(browser_id),
            **context,
        )
        if new_cookie and request is not None:
            self.cookie.set(response, browser_id, secure=self._secure(request))
        return response

    def _message(
        self,
        request: Request,
        browser_id: str,
        title: str,
        text: str,
        *,
        status: int = 200,
        account: Account | None = None,
        back: str | None = None,
        back_label: str = "",
        form_action: str | None = None,
        button: str = "",
        new_cookie: bool = False,
    ) -> Response:
        return self._page(
            "message.html",
            browser_id=browser_id,
            account=account,
            status=status,
            new_cookie=new_cookie,
            request=request,
            title=title,
            text=text,
            back=back,
            back_label=back_label,
            form_action=form_action,
            button=button,
        )

    def _expired(self, request: Request) -> Response:
        """A form without its token: nothing done; a fresh id, so the next try works."""
        title, text = texts.expired_texts(self.lang)
        browser_id = self.cookie.read(request) or self.cookie.new_id()
        return self._message(
            request,
            browser_id,
            title,
            text,
            status=403,
            back=SIGNIN,
            back_label=texts.back_to_signin(self.lang),
            new_cookie=True,
        )

    async def _signed_in(self, request: Request, browser_id: str, signin: Signin) -> Response:
        """To the start page with the new session's cookie; a session this browser had (as
        someone else, say) ends on the server."""
        assert signin.session_id is not None
        await self.accounts.signout(browser_id)
        response = RedirectResponse(START, status_code=303)
        self.cookie.set(response, signin.session_id, secure=self._secure(request))
        return response

    def _signin_form(
        self,
        request: Request,
        browser_id: str,
        *,
        status: int = 200,
        notice: str | None = None,
        problem: bool = False,
        email: str = "",
        new_cookie: bool = False,
    ) -> Response:
        return self._page(
            "signin.html",
            browser_id=browser_id,
            status=status,
            new_cookie=new_cookie,
            request=request,
            t=texts.signin_texts(self.lang),
            notice=notice,
            problem=problem,
            email=email,
            links=self._links_offered(),
        )

    # -- signing in and out ---------------------------------------------------------------

    async def signin_page(self, request: Request) -> Response:
        browser_id = self.cookie.read(request)
        if await self.accounts.session(browser_id) is not None:
            return RedirectResponse(START, status_code=303)
        notice = texts.signed_out_text(self.lang) if "ud" in request.query_params else None
        return self._signin_form(
            request,
            browser_id or self.cookie.new_id(),
            notice=notice,
            new_cookie=browser_id is None,
        )

    async def signin(self, request: Request) -> Response:
        posted = await self._posted(request)
        if posted is None:
            return self._expired(request)
        browser_id, form = posted
        email = self._field(form, "email")
        if not self.per_address.take(self._address(request)):
            return self._signin_form(
                request,
                browser_id,
                status=429,
                notice=texts.too_many_text(self.lang),
                problem=True,
                email=email,
            )
        signin = await self.accounts.signin(email, self._field(form, "password", 1000))
        if signin.account is None:
            return self._signin_form(
                request,
                browser_id,
                notice=texts.refused_text(self.lang),
                problem=True,
                email=email,
            )
        return await self._signed_in(request, browser_id, signin)

    async def signout(self, request: Request) -> Response:
        browser_id = self.cookie.read(request)
        if await self.accounts.session(browser_id) is None:
            return RedirectResponse(SIGNIN, status_code=303)
        if await self._posted(request) is None:
            return self._expired(request)
        await self.accounts.signout(browser_id)
        response = RedirectResponse(f"{SIGNIN}?ud", status_code=303)
        # A new id: the old one named a session, and is never used again.
        self.cookie.set(response, self.cookie.new_id(), secure=self._secure(request))
        return response

    # -- one-time links -------------------------------------------------------------------

    async def ask_link(self, request: Request) -> Response:
        posted = await self._posted(request)
        if posted is None:
            return self._expired(request)
        browser_id, form = posted
        if not self._links_offered():
            return self._signin_form(
                request,
                browser_id,
                status=503,
                notice=texts.no_links_text(self.lang),
                problem=True,
            )
        if not self.per_address.take(self._address(request)):
            return self._signin_form(
                request, browser_id, status=429, notice=texts.too_many_text(self.lang), problem=True
            )
        await self.accounts.send_link(self._field(form, "email"), self._queue_link)
        title, text = texts.link_sent_texts(self.lang)
        return self._message(
            request,
            browser_id,
            title,
            text,
            back=SIGNIN,
            back_label=texts.back_to_signin(self.lang),
        )

    async def _queue_link(self, session: AsyncSession, account: Account, token: str) -> None:
        """Queue the mail with the link, in the transaction that made it."""
        from bot.channels.mail.channel import mail_outbox

        base = (self.settings.web_public_url or "").rstrip("/")
        subject, body = texts.link_mail(self.lang, account.name, f"{base}{LINK}/{token}")
        await mail_outbox(self.services).enqueue(
            session,
            to=account.email,
            subject=subject,
            body=body,
            now=self.accounts.clock(),
            # The link is a key while it works: the sent mail's row keeps no copy.
            forget_when_sent=True,
        )

    def _link_dead(self, request: Request, browser_id: str, *, new_cookie: bool) -> Response:
        title, text = texts.link_dead_texts(self.lang)
        return self._message(
            request,
            browser_id,
            title,
            text,
            status=410,
            back=SIGNIN,
            back_label=texts.back_to_signin(self.lang),
            new_cookie=new_cookie,
        )

    async def link_page(self, request: Request) -> Response:
        token = str(request.path_params["token"])
        known = self.cookie.read(request)
        browser_id = known or self.cookie.new_id()
        if not await self.accounts.link_usable(token):
            return self._link_dead(request, browser_id, new_cookie=known is None)
        title, text = texts.link_texts(self.lang)
        return self._message(
            request,
            browser_id,
            title,
            text,
            form_action=f"{LINK}/{token}",
            button=texts.signin_texts(self.lang)["signin"],
            new_cookie=known is None,
        )

    async def use_link(self, request: Request) -> Response:
        posted = await self._posted(request)
        if posted is None:
            return self._expired(request)
        browser_id, _form = posted
        signin = await self.accounts.signin_by_link(str(request.path_params["token"]))
        if signin.account is None:
            return self._link_dead(request, browser_id, new_cookie=False)
        return await self._signed_in(request, browser_id, signin)

    # -- the pages behind sign-in ---------------------------------------------------------

    async def not_found(self, request: Request, browser_id: str, account: Account) -> Response:
        if request.url.path == START + "/":
            return RedirectResponse(START, status_code=303)
        title, text = texts.not_found_texts(self.lang)
        return self._message(
            request,
            browser_id,
            title,
            text,
            status=404,
            account=account,
            back=START,
            back_label=texts.back_to_desk(self.lang),
        )

    async def start(self, request: Request, browser_id: str, account: Account) -> Response:
        at = self.services.clock()
        events = sorted(
            (e for e in self.services.kb.events.values() if e.end >= at),
            key=lambda e: (e.start, e.id),
        )
        counts = {c.event_slug: c for c in await self.services.registrations.counts()}
        open_cases = await self.services.cases.open_cases()
        per_event: dict[str | None, int] = {}
        for case in open_cases:
            per_event[case.event] = per_event.get(case.event, 0) + 1
        t = texts.start_texts(self.lang)
        rows = [
            self._row(event, counts.get(event.id), per_event.get(event.id, 0), t)
            for event in events
        ]
        return self._page(
            "start.html",
            browser_id=browser_id,
            account=account,
            t=t,
            rows=rows,
            open_total=texts.open_cases_text(self.lang, len(open_cases)),
        )

    def _row(
        self, event: Event, counts: EventCounts | None, open_cases: int, t: dict[str, str]
    ) -> dict[str, Any]:
        place = "–"
        if event.venue is not None:
            place = event.venue.name or event.venue.address or t["online"]
        capacity = event.registration.capacity if event.registration else None
        return {
            "title": event.title,
            "date": fmt_date(event.start, self.lang),
            "time": fmt_time(event.start, self.lang),
            "place": place,
            "registered": counts.registered if counts else 0,
            "waiting": counts.waitlisted if counts else 0,
            "capacity": capacity if capacity is not None else t["no_limit"],
            "open_cases": open_cases,
        }
