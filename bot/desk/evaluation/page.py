"""The results of an event's evaluation: counts per answer, the average, and the comments."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.desk.evaluation import texts
from bot.desk.kit import Desk
from bot.desk.participants.event import event_of, paths_of
from bot.evaluation.sending import KIND
from bot.evaluation.store import results
from bot.reminders import ledger
from bot.staff import Account


class EvaluationPage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def show(self, request: Request, browser_id: str, account: Account) -> Response:
        event = event_of(self.desk, request)
        if event is None:
            return self.desk.not_found_page(request, browser_id, account)
        lang = self.desk.lang
        db = self.desk.services.db
        found = await results(db, event.id)
        asked = len(await ledger.recorded(db, event.id, KIND))
        t = texts.page_texts(lang)
        tables = [
            (
                "tilfredshed",
                t["satisfaction"],
                [(str(score), n) for score, n in found.satisfaction.items()],
            ),
            (
                "praktisk",
                t["practical"],
                [(texts.answer_label(lang, a), n) for a, n in found.practical.items()],
            ),
            (
                "igen",
                t["again"],
                [(texts.answer_label(lang, a), n) for a, n in found.again.items()],
            ),
        ]
        comments = [(texts.comment_date(lang, c), c.text) for c in found.comments]
        return self.desk.page(
            "evaluation/evaluation.html",
            browser_id=browser_id,
            account=account,
            title=f"{t['heading']}: {event.title}",
            heading=f"{t['heading']}: {event.title}",
            t=t,
            summary=texts.summary_lines(lang, found.answered, asked, found.average),
            tables=tables,
            comments=comments,
            back=paths_of(event.id).page,
        )
