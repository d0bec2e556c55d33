"""What staff do to a case at the desk: take, answer, close, save as answer.

- ``POST /desk/sager/<n>/tag``: take the case (or take it over from the colleague the page
  showed having it).
- ``POST /desk/sager/<n>/svar``: answer the participant: ``CaseService.answer``, the same path
  as a reply in the staff chat, so the answer goes to the participant's own channel. A case
  another staff member has is not answered; they are named.
- ``POST /desk/sager/<n>/luk``: close it; the bot answers the participant again.
- ``POST /desk/sager/<n>/gem``: keep the question and the last answer as the bot's answer.

Each form carries its token (``Desk.posted``); the staff member is always the session's account
(``Account.member``, the same id as in the staff mailbox), never anything the form says. The
change and its line in the desk's audit trail commit together; then the browser is sent back
to the case (Post/Redirect/Get), which says what was done. What cannot be done (an empty answer,
a closed case, a case someone else has) is said on the case's page, the answer kept in its
field. The staff boards (staff chat, staff mailbox) redraw the case on the staff desk's next
round, which the commit wakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.cases import CaseInfo, StaffMember
from bot.cases.service import MAX_TEXT_CHARS, CaseError
from bot.desk.cases import texts
from bot.desk.cases.pages import CasePages, case_number
from bot.desk.cases.views import case_href
from bot.desk.kit import Desk
from bot.staff import Account
from bot.staff.accounts import Action

# The audit trail's word for each action (the action names are the problem texts' keys).
AUDITED: dict[str, Action] = {
    "take": "case_taken",
    "answer": "case_answered",
    "close": "case_closed",
    "teach": "case_taught",
}


class HeldChange(Protocol):
    """``CaseService.take`` or ``close``: refused if the case is held by someone not in holders."""

    async def __call__(
        self,
        case_id: int,
        staff: StaffMember,
        now: datetime,
        *,
        holders: Collection[str] | None = None,
        session: AsyncSession | None = None,
    ) -> CaseInfo: ...


class CaseActions:
    """The handlers of the case forms."""

    def __init__(self, desk: Desk, pages: CasePages) -> None:
        self.desk = desk
        self.pages = pages
        self.services = desk.services
        self.cases = desk.services.cases

    def _now(self) -> datetime:
        return self.services.clock()

    @staticmethod
    def _done(number: int, word: str) -> Response:
        return RedirectResponse(f"{case_href(number)}?udfoert={word}", status_code=303)

    async def _refused(
        self,
        request: Request,
        browser_id: str,
        account: Account,
        number: int,
        action: str,
        problem: CaseError,
        answer: str = "",
    ) -> Response:
        """The case's page saying why the action was not done."""
        if problem.reason == "not_found":
            return self.desk.not_found_page(request, browser_id, account)
        if problem.reason == "taken":
            text = texts.taken_problem_text(action, problem.holder or "?", self.desk.lang)
        else:
            text = texts.problem_text(problem.reason, number, self.desk.lang)
        return await self.pages.show(
            request, browser_id, account, number, problem=text, answer=answer, status=409
        )

    async def _case_form(
        self, request: Request, browser_id: str, account: Account
    ) -> tuple[int, FormData] | Response:
        """The case's number and the form posted about it, or the page saying why not."""
        posted = await self.desk.posted(request)
        if posted is None:
            return self.desk.expired(request)
        number = case_number(request)
        if number is None:
            return self.desk.not_found_page(request, browser_id, account)
        return number, posted[1]

    async def _change(
        self,
        request: Request,
        browser_id: str,
        account: Account,
        number: int,
        action: str,
        change: Callable[[datetime, AsyncSession], Awaitable[object]],
        answer: str = "",
    ) -> Response | None:
        """Run ``change`` and its audit line in one transaction; the page if it was refused."""
        now = self._now()
        try:
            async with self.services.db.transaction() as session:
                await change(now, session)
                self.desk.accounts.audit(
                    session, account, AUDITED[action], subject=f"case:{number}", at=now
                )
        except CaseError as problem:
            return await self._refused(
                request, browser_id, account, number, action, problem, answer
            )
        return None

    async def _held_change(
        self,
        request: Request,
        browser_id: str,
        account: Account,
        action: str,
        word: str,
        change: HeldChange,
    ) -> Response:
        """Take or close the case, unless someone other than whom the page showed has it."""
        opened = await self._case_form(request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        number, form = opened
        # Whom the page showed having the case: it may be taken over from them, nobody else.
        holders = [seen] if (seen := self.desk.field(form, "holder", 340)) else []
        refused = await self._change(
            request, browser_id, account, number, action,
            lambda now, session: change(
                number, account.member, now, holders=holders, session=session
            ),
        )  # fmt: skip
        return refused or self._done(number, word)

    async def take(self, request: Request, browser_id: str, account: Account) -> Response:
        return await self._held_change(request, browser_id, account, "take", "tag", self.cases.take)

    async def answer(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await self._case_form(request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        number, form = opened
        text = self.desk.field(form, "svar", MAX_TEXT_CHARS).strip()
        problem = None
        if not text:
            problem, status = texts.empty_answer_text(self.desk.lang), 400
        else:
            case = await self.cases.get(number)
            if case and case.is_open and not self.services.delivery.reaches(case.channel):
                # The case service would keep the answer and tell nobody: refuse instead.
                problem, status = texts.unreachable_text(case.channel, self.desk.lang), 409
        if problem is not None:
            return await self.pages.show(
                request, browser_id, account, number, problem=problem, answer=text, status=status
            )
        refused = await self._change(
            request, browser_id, account, number, "answer",
            lambda now, session: self.cases.answer(
                number, account.member, text, now, session=session, holders=()
            ),
            text,
        )  # fmt: skip
        return refused or self._done(number, "svar")

    async def close(self, request: Request, browser_id: str, account: Account) -> Response:
        return await self._held_change(
            request, browser_id, account, "close", "luk", self.cases.close
        )

    async def teach(self, request: Request, browser_id: str, account: Account) -> Response:
        opened = await self._case_form(request, browser_id, account)
        if isinstance(opened, Response):
            return opened
        number, _form = opened
        refused = await self._change(
            request, browser_id, account, number, "teach",
            lambda now, session: self.cases.teach(number, account.member, now, session=session),
        )  # fmt: skip
        if refused:
            return refused
        # As ``Services.teach``: the bot answers with it from now on.
        self.services.apply_learned(await self.cases.learned())
        return self._done(number, "gem")
