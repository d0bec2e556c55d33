"""An event's needs at the desk (``/desk/arrangementer/<event id>/behov``): who needs what,
arranged or not, staff's alerts about interpreters, marking a need arranged, and the files for
the venue (CSV, PDF).

- ``page``: the page, the marking form and the downloads; ``texts``: what it says;
  ``address``: where it is.

The rules (what is booked ahead, who is told, what the venue gets) are ``bot.arranging``'s.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.desk.kit import Desk
from bot.desk.needs.address import NEEDS_CSV, NEEDS_PDF, needs_paths
from bot.desk.needs.page import NeedsPage

__all__ = ["needs_paths", "routes"]


def routes(desk: Desk) -> list[BaseRoute]:
    page = NeedsPage(desk)
    path = needs_paths("{event}").page
    return [
        Route(path, desk.guarded(page.show), methods=["GET"]),
        Route(path, desk.guarded(page.mark), methods=["POST"]),
        Route(f"{path}/{NEEDS_CSV}", desk.guarded(page.csv), methods=["GET"]),
        Route(f"{path}/{NEEDS_PDF}", desk.guarded(page.pdf), methods=["GET"]),
    ]
