"""Events, upcoming and past, with their numbers (``/desk/arrangementer``).

- ``page``: the page and what each line of it shows; the addresses of the events' pages.
- ``texts``: what it says, in the staff's language.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.desk.events.page import EVENTS, EventsPage, event_path
from bot.desk.kit import Desk

__all__ = ["EVENTS", "event_path", "routes"]


def routes(desk: Desk) -> list[BaseRoute]:
    return [Route(EVENTS, desk.guarded(EventsPage(desk).show), methods=["GET"])]
