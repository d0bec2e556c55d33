"""The queue of cases: take, answer, close, teach; new cases appear without reloading.

``/desk/sager`` lists the cases (``pages``); ``/desk/sager/<n>`` shows one with its whole
conversation and the forms that act on it (``actions``). What the pages show is decided in
``views``, what they say in ``texts``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.desk.cases.actions import CaseActions
from bot.desk.cases.pages import CasePages
from bot.desk.cases.views import CASES
from bot.desk.kit import Desk


def routes(desk: Desk) -> list[BaseRoute]:
    pages = CasePages(desk)
    actions = CaseActions(desk, pages)
    one = CASES + "/{id:int}"
    return [
        Route(CASES, desk.guarded(pages.list_page), methods=["GET"]),
        Route(CASES + "/nyt", desk.guarded(pages.news, by_itself=True), methods=["GET"]),
        Route(one, desk.guarded(pages.case_page), methods=["GET"]),
        Route(one + "/tag", desk.guarded(actions.take), methods=["POST"]),
        Route(one + "/svar", desk.guarded(actions.answer), methods=["POST"]),
        Route(one + "/luk", desk.guarded(actions.close), methods=["POST"]),
        Route(one + "/gem", desk.guarded(actions.teach), methods=["POST"]),
    ]
