"""All of the desk's addresses, under /desk: each feature module's routes, then "not found".

Every address under /desk except the sign-in pages answers only a signed-in staff member:
without a live session it is a redirect to the sign-in page, with nothing else in the response
(``Desk.guarded``). Every form carries the browser's form token and must come from the server's
own pages (``Desk.posted``). URLs hold nothing personal. The desk's pages may not be framed.

A new page is a module with ``routes(desk) -> list[BaseRoute]`` added to ``FEATURES``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.desk import (
    cases,
    checkin,
    evaluation,
    events,
    home,
    knowledge,
    needs,
    participants,
    questions,
    signin,
)
from bot.desk.kit import MENU, START, STATIC, TEMPLATES, Desk
from bot.staff import Account

__all__ = ["FEATURES", "STATIC", "TEMPLATES", "desk_routes"]

FEATURES: tuple[ModuleType, ...] = (
    signin,
    home,
    events,
    participants,
    checkin,
    evaluation,
    needs,
    cases,
    questions,
    knowledge,
)

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def desk_routes(desk: Desk) -> list[BaseRoute]:
    """Every feature's routes; anything else under /desk, in any method: sign-in first, then
    "not found"."""
    found: list[BaseRoute] = []
    for feature in FEATURES:
        make: Callable[[Desk], list[BaseRoute]] = feature.routes
        found += make(desk)
    served = {route.path for route in found if isinstance(route, Route)}
    desk.menu = [(key, href) for key, href in MENU if href in served]

    async def not_found(request: Request, browser_id: str, account: Account) -> Response:
        if request.url.path == START + "/":
            return RedirectResponse(START, status_code=303)
        return desk.not_found_page(request, browser_id, account)

    return [
        *found,
        Route(START, desk.guarded(not_found), methods=OTHER_METHODS),
        Route(START + "/{rest:path}", desk.guarded(not_found), methods=ALL_METHODS),
    ]
