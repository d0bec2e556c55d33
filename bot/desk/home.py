"""The desk's start page: the open cases and unanswered questions, and the upcoming events
with their numbers, each linked to its participants."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.desk import texts
from bot.desk.events.page import event_rows
from bot.desk.events.texts import events_texts
from bot.desk.kit import START, Desk
from bot.staff import Account


def routes(desk: Desk) -> list[BaseRoute]:
    return [Route(START, desk.guarded(HomePage(desk).start), methods=["GET"])]


class HomePage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def start(self, request: Request, browser_id: str, account: Account) -> Response:
        lang = self.desk.lang
        events_t = events_texts(lang)
        upcoming, _past = await event_rows(self.desk, events_t)
        open_cases = len(await self.desk.services.cases.open_cases())
        return self.desk.page(
            "start.html",
            browser_id=browser_id,
            account=account,
            t=texts.start_texts(lang),
            events_t=events_t,
            rows=upcoming,
            open_total=texts.open_cases_text(lang, open_cases),
            links=dict(self.desk.menu),  # only the pages this desk serves
        )
