"""Signing in and out of the desk, and one-time links.

- ``GET|POST /desk/log-ind``: the sign-in form (e-mail and password).
- ``POST /desk/log-ud``: signs out (the session ends on the server).
- ``POST /desk/link``: "send me a link": the same answer whether or not the address has an
  account.
- ``GET /desk/link/<token>``: a page with one button; ``POST`` there signs in and uses up the
  link. A GET never uses it, so a mail program looking at the link first does no harm.

A link's token is a random number, used once; the logs name accounts by number only.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.desk import texts
from bot.desk.kit import SIGNIN, START, Desk
from bot.registrations.identity import EMAIL
from bot.staff import Account, Signin

SIGNOUT = "/desk/log-ud"
LINK = "/desk/link"


def routes(desk: Desk) -> list[BaseRoute]:
    pages = SigninPages(desk)
    return [
        Route(SIGNIN, desk.open(pages.signin_page), methods=["GET"]),
        Route(SIGNIN, desk.open(pages.signin), methods=["POST"]),
        Route(SIGNOUT, desk.open(pages.signout), methods=["POST"]),
        Route(LINK, desk.open(pages.ask_link), methods=["POST"]),
        Route(LINK + "/{token}", desk.open(pages.link_page), methods=["GET"]),
        Route(LINK + "/{token}", desk.open(pages.use_link), methods=["POST"]),
    ]


class SigninPages:
    """The handlers of signing in and out."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def _links_offered(self) -> bool:
        """Whether sign-in links can be sent: mail is set up, and the server knows its public
        address (a link's address never comes from the request, which anyone can write)."""
        return self.desk.services.delivery.reaches(EMAIL) and bool(
            self.desk.settings.web_public_url
        )

    async def _signed_in(self, request: Request, browser_id: str, signin: Signin) -> Response:
        """To the start page with the new session's cookie; a session this browser had (as
        someone else, say) ends on the server."""
        assert signin.session_id is not None
        await self.desk.accounts.signout(browser_id)
        response = RedirectResponse(START, status_code=303)
        self.desk.cookie.set(response, signin.session_id, secure=self.desk.secure(request))
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
        return self.desk.page(
            "signin.html",
            browser_id=browser_id,
            status=status,
            new_cookie=new_cookie,
            request=request,
            t=texts.signin_texts(self.desk.lang),
            notice=notice,
            problem=problem,
            email=email,
            links=self._links_offered(),
        )

    # -- signing in and out ---------------------------------------------------------------

    async def signin_page(self, request: Request) -> Response:
        browser_id = self.desk.cookie.read(request)
        if await self.desk.accounts.session(browser_id) is not None:
            return RedirectResponse(START, status_code=303)
        notice = texts.signed_out_text(self.desk.lang) if "ud" in request.query_params else None
        return self._signin_form(
            request,
            browser_id or self.desk.cookie.new_id(),
            notice=notice,
            new_cookie=browser_id is None,
        )

    async def signin(self, request: Request) -> Response:
        posted = await self.desk.posted(request)
        if posted is None:
            return self.desk.expired(request)
        browser_id, form = posted
        email = self.desk.field(form, "email")
        if not self.desk.per_address.take(self.desk.address(request)):
            return self._signin_form(
                request,
                browser_id,
                status=429,
                notice=texts.too_many_text(self.desk.lang),
                problem=True,
                email=email,
            )
        signin = await self.desk.accounts.signin(email, self.desk.field(form, "password", 1000))
        if signin.account is None:
            return self._signin_form(
                request,
                browser_id,
                notice=texts.refused_text(self.desk.lang),
                problem=True,
                email=email,
            )
        return await self._signed_in(request, browser_id, signin)

    async def signout(self, request: Request) -> Response:
        browser_id = self.desk.cookie.read(request)
        if await self.desk.accounts.session(browser_id) is None:
            return RedirectResponse(SIGNIN, status_code=303)
        if await self.desk.posted(request) is None:
            return self.desk.expired(request)
        await self.desk.accounts.signout(browser_id)
        response = RedirectResponse(f"{SIGNIN}?ud", status_code=303)
        # A new id: the old one named a session, and is never used again.
        self.desk.cookie.set(response, self.desk.cookie.new_id(), secure=self.desk.secure(request))
        return response

    # -- one-time links -------------------------------------------------------------------

    async def ask_link(self, request: Request) -> Response:
        posted = await self.desk.posted(request)
        if posted is None:
            return self.desk.expired(request)
        browser_id, form = posted
        if not self._links_offered():
            return self._signin_form(
                request,
                browser_id,
                status=503,
                notice=texts.no_links_text(self.desk.lang),
                problem=True,
            )
        if not self.desk.per_address.take(self.desk.address(request)):
            return self._signin_form(
                request,
                browser_id,
                status=429,
                notice=texts.too_many_text(self.desk.lang),
                problem=True,
            )
        await self.desk.accounts.send_link(self.desk.field(form, "email"), self._queue_link)
        title, text = texts.link_sent_texts(self.desk.lang)
        return self.desk.message(
            request,
            browser_id,
            title,
            text,
            back=SIGNIN,
            back_label=texts.back_to_signin(self.desk.lang),
        )

    async def _queue_link(self, session: AsyncSession, account: Account, token: str) -> None:
        """Queue the mail with the link, in the transaction that made it."""
        from bot.channels.mail.channel import mail_outbox

        base = (self.desk.settings.web_public_url or "").rstrip("/")
        subject, body = texts.link_mail(self.desk.lang, account.name, f"{base}{LINK}/{token}")
        await mail_outbox(self.desk.services).enqueue(
            session,
            to=account.email,
            subject=subject,
            body=body,
            now=self.desk.accounts.clock(),
            # The link is a key while it works: the sent mail's row keeps no copy.
            forget_when_sent=True,
        )

    def _link_dead(self, request: Request, browser_id: str, *, new_cookie: bool) -> Response:
        title, text = texts.link_dead_texts(self.desk.lang)
        return self.desk.message(
            request,
            browser_id,
            title,
            text,
            status=410,
            back=SIGNIN,
            back_label=texts.back_to_signin(self.desk.lang),
            new_cookie=new_cookie,
        )

    async def link_page(self, request: Request) -> Response:
        token = str(request.path_params["token"])
        known = self.desk.cookie.read(request)
        browser_id = known or self.desk.cookie.new_id()
        if not await self.desk.accounts.link_usable(token):
            return self._link_dead(request, browser_id, new_cookie=known is None)
        title, text = texts.link_texts(self.desk.lang)
        return self.desk.message(
            request,
            browser_id,
            title,
            text,
            form_action=f"{LINK}/{token}",
            button=texts.signin_texts(self.desk.lang)["signin"],
            new_cookie=known is None,
        )

    async def use_link(self, request: Request) -> Response:
        posted = await self.desk.posted(request)
        if posted is None:
            return self.desk.expired(request)
        browser_id, _form = posted
        signin = await self.desk.accounts.signin_by_link(str(request.path_params["token"]))
        if signin.account is None:
            return self._link_dead(request, browser_id, new_cookie=False)
        return await self._signed_in(request, browser_id, signin)
