"""An event's evaluation at the desk (``/desk/arrangementer/<event id>/evaluering``).

- ``page``: the results (how many answered, counts per answer, the average, the comments);
  ``texts``: what it says; ``address``: where it is.

The answers are anonymous (``bot.evaluation``): nothing here names anyone. The page is linked
from the event's check-in page, where attendance is.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.desk.evaluation.address import EVALUATION, evaluation_path
from bot.desk.events import EVENTS
from bot.desk.kit import Desk

__all__ = ["EVALUATION", "evaluation_path", "routes"]


def routes(desk: Desk) -> list[BaseRoute]:
    # Here, not above: the page reads the participants' module, which links here (check-in).
    from bot.desk.evaluation.page import EvaluationPage

    page = EvaluationPage(desk)
    return [Route(f"{EVENTS}/{{event}}/{EVALUATION}", desk.guarded(page.show), methods=["GET"])]
