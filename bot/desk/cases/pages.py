"""The case pages: the list (``/desk/sager``), what the list's script asks for
(``/desk/sager/nyt``), and one case with its whole conversation (``/desk/sager/<n>``).

The list chooses cases by state (``?vis=aabne|nye|mine|lukkede|alle``) and event
(``?arrangement=<slug>``, ``-`` for none): nothing personal in an address. Its script asks
``/desk/sager/nyt`` with the same choice every few seconds and gets the list's items as HTML
drawn by the same template, with a sentence to read out when new cases arrived; without script
the page is the same, and a button updates it.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.cases.service import CaseInfo
from bot.desk.cases import texts
from bot.desk.cases.views import (
    CASES,
    MAX_ROWS,
    NO_EVENT,
    case_row,
    choose,
    chosen_filter,
    entry_views,
    taken_by,
    taught,
    when,
)
from bot.desk.kit import Desk
from bot.staff import Account

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
MAX_CASE_ID = 2**31 - 1
# What a done action says, by its word in the address after the redirect.
DONE = {"tag": "take", "svar": "answer", "luk": "close", "gem": "teach"}
# How often the list's script asks for news, in seconds.
POLL_SECONDS = 5


def case_number(request: Request) -> int | None:
    """The case number in the address, if it can be one (the database's integer)."""
    number = int(request.path_params["id"])
    return number if 1 <= number <= MAX_CASE_ID else None


class CasePages:
    """The handlers that show cases."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.cases = desk.services.cases

    def _title(self, slug: str) -> str | None:
        event = self.desk.services.kb.event(slug)
        return event.title if event else None

    # -- the list ---------------------------------------------------------------------------

    def _choice(self, request: Request) -> tuple[str, str | None]:
        shown = chosen_filter(request.query_params.get("vis"))
        event = request.query_params.get("arrangement") or None
        if event is not None and event != NO_EVENT and not SLUG.match(event):
            event = None
        return shown, event

    async def _rows(self, shown: str, event: str | None, account: Account) -> tuple[list[Any], int]:
        everything = await (
            self.cases.open_cases() if shown in ("aabne", "nye", "mine") else self.cases.all_cases()
        )
        chosen = choose(everything, shown, event, account.member)
        rows = [
            case_row(case, self._title, account.member, self.desk.lang)
            for case in chosen[:MAX_ROWS]
        ]
        return rows, len(chosen)

    def _events(self, cases: list[CaseInfo]) -> list[tuple[str, str]]:
        """The events to choose from: those in the knowledge, then others cases name."""
        kb_events = sorted(self.desk.services.kb.events.values(), key=lambda e: (e.start, e.id))
        found = [(e.id, e.title) for e in kb_events]
        known = {slug for slug, _title in found}
        for slug in sorted({c.event for c in cases if c.event and c.event not in known}):
            found.append((slug, slug))
        return found

    async def list_page(self, request: Request, browser_id: str, account: Account) -> Response:
        shown, event = self._choice(request)
        rows, total = await self._rows(shown, event, account)
        lang = self.desk.lang
        query = f"vis={shown}" + (f"&arrangement={event}" if event else "")
        return self.desk.page(
            "cases/list.html",
            browser_id=browser_id,
            account=account,
            t=texts.list_texts(lang),
            filters=texts.filter_labels(lang),
            shown=shown,
            event=event,
            events=self._events(await self.cases.all_cases()),
            no_event=NO_EVENT,
            rows=rows,
            count_text=texts.shown_text(lang, len(rows), total),
            poll=f"{CASES}/nyt?{query}",
            every=POLL_SECONDS,
            last=max((r.id for r in rows), default=0),
        )

    async def news(self, request: Request, browser_id: str, account: Account) -> Response:
        """For the list's script: the list's items as drawn, and what to read out."""
        shown, event = self._choice(request)
        rows, total = await self._rows(shown, event, account)
        try:
            after = int(request.query_params.get("efter", "0"))
        except ValueError:
            after = 0
        draw = self.desk.pages.macro("desk/cases/rows.html", "case_item")
        t = texts.list_texts(self.desk.lang)
        new = sorted(r.id for r in rows if r.id > after)
        return JSONResponse(
            {
                "items": [{"id": r.id, "html": str(draw(r, t))} for r in rows],
                "last": max([after, *(r.id for r in rows)]),
                "announce": texts.announce_text(self.desk.lang, new) if new else "",
                "count": texts.shown_text(self.desk.lang, len(rows), total),
            }
        )

    # -- one case ---------------------------------------------------------------------------

    async def case_page(self, request: Request, browser_id: str, account: Account) -> Response:
        number = case_number(request)
        done = DONE.get(request.query_params.get("udfoert", ""))
        return await self.show(request, browser_id, account, number, done=done)

    async def show(
        self,
        request: Request,
        browser_id: str,
        account: Account,
        number: int | None,
        *,
        done: str | None = None,
        problem: str | None = None,
        answer: str = "",
        status: int = 200,
    ) -> Response:
        """The case with its conversation and what can be done; ``done`` says what was just
        done, ``problem`` why something was not (with the answer typed kept in its field)."""
        case = await self.cases.get(number) if number is not None else None
        if case is None:
            return self.desk.not_found_page(request, browser_id, account)
        lang = self.desk.lang
        entries = await self.cases.conversation(case.id)
        me = account.member
        holder = taken_by(case)
        other = case.taken_by if case.is_open and holder not in (None, me.id) else None
        event = (self._title(case.event) if case.event else None) or case.event
        return self.desk.page(
            "cases/case.html",
            browser_id=browser_id,
            account=account,
            status=status,
            t=texts.case_texts_for(lang),
            title=texts.title_text(lang, case.id),
            case=case,
            row=case_row(case, self._title, me, lang),
            who=texts.who_text(case, lang),
            event=event,
            received=when(case.created_at, lang),
            entries=entry_views(case, entries, lang),
            holder=holder or "",
            other=other,
            held_text=texts.held_text(lang, other) if other else "",
            take_label=texts.take_over_text(lang, other) if other else "",
            can_answer=case.is_open and other is None,
            can_teach=bool(case.answer and case.event),
            taught=taught(entries),
            answer_hint=texts.answer_hint(lang, case.channel),
            notice=problem or (texts.done_text(done, case, lang) if done else None),
            problem=problem is not None,
            answer=answer,
            back=CASES,
        )
