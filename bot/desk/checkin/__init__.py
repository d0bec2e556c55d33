"""Checking participants in at the door (``/desk/arrangementer/<event id>/tjek-ind``).

- ``page``: the page, the code form and the list by name; ``texts``: what it says;
  ``address``: where it is.

The rules (one check-in per registration, only with a seat, codes per event) are
``bot.attendance``'s; the desk only asks and tells.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.desk.checkin.address import CERTIFICATE, CHECKIN, checkin_path
from bot.desk.checkin.page import CheckinPage
from bot.desk.events import EVENTS
from bot.desk.kit import Desk

__all__ = ["CHECKIN", "checkin_path", "routes"]


def routes(desk: Desk) -> list[BaseRoute]:
    page = CheckinPage(desk)
    path = f"{EVENTS}/{{event}}/{CHECKIN}"
    return [
        Route(path, desk.guarded(page.show), methods=["GET"]),
        Route(path, desk.guarded(page.check_in), methods=["POST"]),
        Route(f"{path}/{CERTIFICATE}", desk.guarded(page.certificate), methods=["POST"]),
    ]
