"""What every desk page uses: the guard, forms with their token, rendering, plain messages.

``Desk`` holds the services, the desk's cookie, the templates and the staff's language. A
feature module (sign-in, events, participants, cases, questions, knowledge) gets it and returns
its routes; its handlers are wrapped by ``guarded`` (a live session, or a redirect to sign in with
nothing else in the response) or ``open`` (the sign-in pages), which both add the desk's headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.desk import texts
from bot.i18n import normalise_lang
from bot.services import Services
from bot.staff import Account, StaffAccounts
from bot.web.headers import policy
from bot.web.limits import RateLimiter
from bot.web.origin import from_this_site
from bot.web.pages import Pages
from bot.web.sessions import SessionKeys, served_securely

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
START = "/desk"
SIGNIN = "/desk/log-ind"
# Sign-in attempts and link requests from one client address: a burst, then one per 15 s.
ADDRESS_RATE = 1 / 15
ADDRESS_BURST = 20
# The desk is never framed. (Its pages' addresses go to no other site anyway: the shared
# Referrer-Policy is same-origin; no-referrer would make browsers post forms with Origin: null.)
# The menu: (key of its text in ``chrome_texts``, address). An entry shows once a feature
# serves its address (``bot.desk.routes`` sets ``Desk.menu``), so the menu never leads nowhere.
MENU = (
    ("home", START),
    ("events", "/desk/arrangementer"),
    ("cases", "/desk/sager"),
    ("questions", "/desk/spoergsmaal"),
    ("knowledge", "/desk/viden"),
)
HEADERS = {"Content-Security-Policy": policy(frame_ancestors="'none'"), "X-Frame-Options": "DENY"}

Handler = Callable[[Request, str, Account], Awaitable[Response]]
"""A page behind sign-in: the request, the browser's id (for form tokens) and who is signed in."""


class Desk:
    """The desk's shared parts, given to every feature's routes."""

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
        self.menu: list[tuple[str, str]] = []

    # -- wrapping handlers ----------------------------------------------------------------

    @staticmethod
    def headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers[name] = value
        return response

    def open(self, handler: Callable[[Request], Awaitable[Response]]) -> Callable[..., Any]:
        """A page anyone may see (the sign-in pages)."""

        async def endpoint(request: Request) -> Response:
            return self.headers(await handler(request))

        return endpoint

    def guarded(self, handler: Handler, *, by_itself: bool = False) -> Callable[..., Any]:
        """Only for a live session; anyone else is sent to sign in, and told nothing.

        ``by_itself``: an address the page polls without the person doing anything, which does
        not keep the session alive (see ``StaffAccounts.session``).
        """

        async def endpoint(request: Request) -> Response:
            browser_id = self.cookie.read(request)
            account = await self.accounts.session(browser_id, touch=not by_itself)
            if browser_id is None or account is None:
                return self.headers(RedirectResponse(SIGNIN, status_code=303))
            return self.headers(await handler(request, browser_id, account))

        return endpoint

    # -- requests ---------------------------------------------------------------------------

    @staticmethod
    def address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def secure(self, request: Request) -> bool:
        return served_securely(request, self.settings.web_public_url)

    async def posted(
        self, request: Request, *, max_fields: int = 10, max_files: int = 0
    ) -> tuple[str, FormData] | None:
        """The browser id and form of a POST with the right token from the server's own page;
        None for anything else (the caller answers with ``expired``)."""
        form = await request.form(max_files=max_files, max_fields=max_fields)
        browser_id = self.cookie.read(request)
        if not from_this_site(request, self.settings.web_public_url):
            return None
        if browser_id is None or not self.cookie.token_ok(browser_id, form.get("csrf")):
            return None
        return browser_id, form

    @staticmethod
    def field(form: FormData, name: str, limit: int = 320) -> str:
        value = form.get(name)
        return value[:limit] if isinstance(value, str) else ""

    # -- answers ----------------------------------------------------------------------------

    def page(
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
        """A desk page from ``templates/desk/<template>``, with the chrome and the form token."""
        response = self.pages.page(
            f"desk/{template}",
            status,
            lang=self.lang,
            chrome=texts.chrome_texts(self.lang),
            menu=self.menu,
            account=account,
            token=self.cookie.form_token(browser_id),
            **context,
        )
        if new_cookie and request is not None:
            self.cookie.set(response, browser_id, secure=self.secure(request))
        return response

    def message(
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
        """A page that says one thing, with a way back or one button."""
        return self.page(
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

    def expired(self, request: Request) -> Response:
        """A form without its token: nothing done; a fresh id, so the next try works."""
        title, text = texts.expired_texts(self.lang)
        browser_id = self.cookie.read(request) or self.cookie.new_id()
        return self.message(
            request,
            browser_id,
            title,
            text,
            status=403,
            back=SIGNIN,
            back_label=texts.back_to_signin(self.lang),
            new_cookie=True,
        )

    def not_found_page(self, request: Request, browser_id: str, account: Account) -> Response:
        title, text = texts.not_found_texts(self.lang)
        return self.message(
            request,
            browser_id,
            title,
            text,
            status=404,
            account=account,
            back=START,
            back_label=texts.back_to_desk(self.lang),
        )
