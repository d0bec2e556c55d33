"""The desk's start page: the upcoming events with their numbers, and the open cases."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.desk import texts
from bot.desk.kit import START, Desk
from bot.i18n import fmt_date, fmt_time
from bot.knowledge.schema import Event
from bot.registrations.results import EventCounts
from bot.staff import Account


def routes(desk: Desk) -> list[BaseRoute]:
    return [Route(START, desk.guarded(HomePage(desk).start), methods=["GET"])]


class HomePage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def start(self, request: Request, browser_id: str, account: Account) -> Response:
        at = self.desk.services.clock()
        events = sorted(
            (e for e in self.desk.services.kb.events.values() if e.end >= at),
            key=lambda e: (e.start, e.id),
        )
        counts = {c.event_slug: c for c in await self.desk.services.registrations.counts()}
        open_cases = await self.desk.services.cases.open_cases()
        per_event: dict[str | None, int] = {}
        for case in open_cases:
            per_event[case.event] = per_event.get(case.event, 0) + 1
        t = texts.start_texts(self.desk.lang)
        rows = [
            self._row(event, counts.get(event.id), per_event.get(event.id, 0), t)
            for event in events
        ]
        return self.desk.page(
            "start.html",
            browser_id=browser_id,
            account=account,
            t=t,
            rows=rows,
            open_total=texts.open_cases_text(self.desk.lang, len(open_cases)),
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
            "date": fmt_date(event.start, self.desk.lang),
            "time": fmt_time(event.start, self.desk.lang),
            "place": place,
            "registered": counts.registered if counts else 0,
            "waiting": counts.waitlisted if counts else 0,
            "capacity": capacity if capacity is not None else t["no_limit"],
            "open_cases": open_cases,
        }
