"""What the bot could not answer: escalated questions grouped per event, and the shares answered

``/desk/spoergsmaal`` (``pages``); what it shows is decided in ``views``, what it says in
``texts``; the grouping is ``bot.cases.similar``, the counting ``bot.conversations.questions``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.desk.kit import Desk
from bot.desk.questions.pages import QuestionPages
from bot.desk.questions.views import QUESTIONS


def routes(desk: Desk) -> list[BaseRoute]:
    pages = QuestionPages(desk)
    return [
        Route(QUESTIONS, desk.guarded(pages.page), methods=["GET"]),
        Route(QUESTIONS + "/svar", desk.guarded(pages.answer), methods=["POST"]),
    ]
