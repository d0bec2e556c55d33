"""The page of questions the bot could not answer (``/desk/spoergsmaal``), and answering a group
of them at once (``POST /desk/spoergsmaal/svar``).

The page shows, for every event or the one chosen (``?arrangement=<slug>``), the handed-over
questions still waiting for a staff answer, similar ones grouped (``bot.cases.similar``), and
the shares answered by the bot, handed over and answered by staff, per event and per ISO week
(``bot.conversations.questions``).

Answering a group sends the one answer to every case in it through ``CaseService.answer`` (each
participant on their own channel, as from the staff chat) and, for a group about an event,
saves it as the bot's answer to each of its questions (``CaseService.teach``), so the next
person who asks any of them gets it; all in one transaction with their lines in the audit
trail. A case someone else has, or one answered or closed meanwhile, is left as it is, and the
page says how many were.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.cases.service import MAX_TEXT_CHARS, CaseError, CaseInfo
from bot.conversations.questions import QuestionLog
from bot.desk.cases.texts import empty_answer_text
from bot.desk.kit import Desk
from bot.desk.questions import texts
from bot.desk.questions.views import (
    MAX_GROUP,
    QUESTIONS,
    event_groups,
    event_rows,
    waiting,
    week_rows,
)
from bot.staff import Account

MAX_CASE_ID = 2**31 - 1


class QuestionPages:
    """The handlers of the questions page."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.services = desk.services
        self.cases = desk.services.cases
        self.log = QuestionLog(desk.services.db)

    def _title(self, slug: str) -> str | None:
        event = self.services.kb.event(slug)
        return event.title if event else None

    def _event(self, value: str | None) -> str | None:
        """The chosen event: one the knowledge or a case names, else all."""
        if not value:
            return None
        return value if self.services.kb.event(value) is not None else None

    async def page(self, request: Request, browser_id: str, account: Account) -> Response:
        return await self.show(
            request, browser_id, account, self._event(request.query_params.get("arrangement"))
        )

    async def show(
        self,
        request: Request,
        browser_id: str,
        account: Account,
        event: str | None,
        *,
        notice: str | None = None,
        problem_group: int | None = None,
        answer: str = "",
        status: int = 200,
    ) -> Response:
        """The page; ``notice`` a problem (said at the group of case ``problem_group`` if it
        is still shown, else at the top) when ``status`` is not 200."""
        lang = self.desk.lang
        events = sorted(self.services.kb.events.values(), key=lambda e: (e.start, e.id))
        cases = waiting(await self.cases.open_cases(), event)
        groups = event_groups(cases, events, lang)
        tallies = await self.log.tallies(event)
        shown = {n for found in groups for g in found.groups for n in g.ids}
        if problem_group not in shown:
            problem_group = None
        if notice is None:
            notice = self._done(request)
        return self.desk.page(
            "questions/page.html",
            browser_id=browser_id,
            account=account,
            status=status,
            t=texts.page_texts(lang),
            events=[(e.id, e.title) for e in events],
            event=event,
            groups=groups,
            event_rows=event_rows(tallies, events, self._title, lang),
            week_rows=week_rows(tallies, lang),
            week_title=(self._title(event) if event else None) or texts.page_texts(lang)["total"],
            notice=notice,
            problem=status != 200,
            problem_group=problem_group,
            answer=answer,
            action=f"{QUESTIONS}/svar",
        )

    def _done(self, request: Request) -> str | None:
        """What answering a group did, from the address it sent the browser to."""
        query = request.query_params
        if "besvaret" not in query:
            return None
        try:
            counts = [int(query.get(name, "0")) for name in ("besvaret", "gemt", "sprunget")]
        except ValueError:
            return None
        return texts.done_text(self.desk.lang, *counts)

    # -- answering a group ----------------------------------------------------------------

    async def answer(self, request: Request, browser_id: str, account: Account) -> Response:
        posted = await self.desk.posted(request, max_fields=MAX_GROUP + 5)
        if posted is None:
            return self.desk.expired(request)
        _id, form = posted
        event = self._event(self.desk.field(form, "arrangement", 100))
        numbers = _numbers(form.getlist("sag"))
        text = self.desk.field(form, "svar", MAX_TEXT_CHARS).strip()
        if not numbers:
            return RedirectResponse(_back(event), status_code=303)
        if not text:
            return await self.show(
                request,
                browser_id,
                account,
                event,
                notice=empty_answer_text(self.desk.lang),
                problem_group=numbers[0],
                status=400,
            )
        answered, taught, left = await self._answer_all(numbers, text, account)
        if not answered:
            return await self.show(
                request,
                browser_id,
                account,
                event,
                notice=texts.none_left_text(self.desk.lang),
                problem_group=numbers[0],
                answer=text,
                status=409,
            )
        if taught:
            self.services.apply_learned(await self.cases.learned())
        done = f"besvaret={len(answered)}&gemt={taught}&sprunget={left}"
        return RedirectResponse(f"{_back(event)}{'&' if event else '?'}{done}", status_code=303)

    async def _answer_all(
        self, numbers: list[int], text: str, account: Account
    ) -> tuple[list[CaseInfo], int, int]:
        """Answer every case still waiting and free (or the staff member's own), then teach
        those about an event; (answered, taught, left)."""
        me = account.member
        now: datetime = self.services.clock()
        answered: list[CaseInfo] = []
        taught = 0
        async with self.services.db.transaction() as session:
            for number in numbers:
                case = await self.cases.get(number)
                if (
                    case is None
                    or case.status not in ("new", "taken")
                    or not self.services.delivery.reaches(case.channel)
                ):
                    continue
                try:
                    done = await self.cases.answer(
                        number, me, text, now, session=session, holders=()
                    )
                except CaseError:
                    continue  # taken by someone else, or closed, just now
                self.desk.accounts.audit(
                    session, account, "case_answered", subject=f"case:{number}", at=now
                )
                answered.append(done)
            for case in answered:
                if case.event:
                    await self.cases.teach(case.id, me, now, session=session)
                    self.desk.accounts.audit(
                        session, account, "case_taught", subject=f"case:{case.id}", at=now
                    )
                    taught += 1
        return answered, taught, len(numbers) - len(answered)


def _numbers(values: Sequence[object]) -> list[int]:
    """The case numbers a form names, each once, in order (at most a group's worth)."""
    found: list[int] = []
    for value in values:
        if isinstance(value, str) and value.isdigit() and 1 <= int(value) <= MAX_CASE_ID:
            number = int(value)
            if number not in found:
                found.append(number)
    return found[:MAX_GROUP]


def _back(event: str | None) -> str:
    return f"{QUESTIONS}?arrangement={event}" if event else QUESTIONS
