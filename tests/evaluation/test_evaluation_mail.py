"""The evaluation by e-mail: sent the day after to the one who came (not to the one who did not),
once however often the job looks, through the real outbox to an SMTP server (aiosmtpd); the
person's reply to it ("4, ja, ja", or words the bot cannot read) is read by the mail handler and
kept without a link to them, and thanked for. Both databases."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.attendance import Attendance
from bot.channels.mail.handling import MailHandler
from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox, OutboxSender
from bot.evaluation.sending import EvaluationJob
from bot.evaluation.store import results
from bot.privacy.service import Privacy, Who
from bot.reminders.models import SentNotice
from bot.services import Services
from tests.evaluation.common import (
    BEFORE_MOMENT,
    BOT_MAIL,
    DAY,
    MOMENT,
    SIGNUP_AT,
    TEMADAG,
    answer_rows,
    holds_nobody,
    start_services,
)
from tests.mail.conftest import Received, SmtpServer, until
from tests.mail.test_handling import QUOTE, mail
from tests.mail.test_outbox import FAST_SENDER, Running


@pytest.fixture(params=["sqlite", "postgresql"])
async def services(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Services]:
    async for started in start_services(request, tmp_path):
        yield started


async def outbox(services: Services) -> list[OutboxMail]:
    async with services.db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


async def test_sent_once_to_who_came_and_the_reply_read_anonymously(
    services: Services, smtp: SmtpServer
) -> None:
    handler = MailHandler(services, Outbox(services.db, mail_from=BOT_MAIL), mail_from=BOT_MAIL)
    karen = await handler.handle(mail("Jeg deltager gerne.\n\nKaren Holm" + QUOTE), now=SIGNUP_AT)
    ole = await handler.handle(
        mail("Jeg deltager gerne.\n\nOle Bak" + QUOTE, sender="Ole Bak <ole@vesthimmerland.dk>"),
        now=SIGNUP_AT,
    )
    assert (karen.result, ole.result) == ("registered", "registered")
    [karens] = [r for r in await outbox(services) if r.to_address == "karen.holm@jammerbugt.dk"]
    code = re.search(r"Din kode til indtjekning er (\S+)\.", karens.body)
    assert code is not None
    came = await Attendance(services.db, lambda: DAY).check_in_code(TEMADAG, code.group(1), by="A")
    assert came.name == "Karen Holm"  # Ole did not come

    job = EvaluationJob(services)
    before = len(await outbox(services))
    assert await job.run_due(BEFORE_MOMENT) == 0
    assert await job.run_due(MOMENT) == 1
    assert await job.run_due(MOMENT) == 0  # the job looks again: nothing twice
    [asked] = (await outbox(services))[before:]
    assert asked.to_address == "karen.holm@jammerbugt.dk"
    assert asked.subject == "Hvordan var Temadag for Handicaprådene i Nordjylland – 2024?"
    assert "1. Hvor tilfreds var du alt i alt med dagen?" in asked.body
    assert "anonyme" in asked.body
    async with services.db.session() as session:
        [sent] = list(
            await session.scalars(select(SentNotice).where(SentNotice.kind == "evaluation"))
        )
    assert sent.registration_id == came.registration_id  # who was asked: kept apart, to ask once

    def evaluations() -> list[Received]:
        return [m for m in smtp.messages if "Hvordan var" in str(m.message["Subject"])]

    running = Running(OutboxSender(services.db, smtp.config(), **FAST_SENDER))
    try:
        await until(lambda: len(evaluations()) == 1, 5, "the evaluation by SMTP")
    finally:
        await running.halt()
    [received] = evaluations()
    assert received.rcpt_tos == ["karen.holm@jammerbugt.dk"]
    evaluation_id = str(received.message["Message-ID"])

    replied = await handler.handle(
        mail(
            "Hej\n\n4, ja, ja\n\nSalen var lidt kold.\n\nVenlig hilsen\nKaren Holm",
            subject="SV: " + str(received.message["Subject"]),
            in_reply_to=evaluation_id,
        ),
        now=MOMENT.replace(hour=12, minute=17),
    )
    assert (replied.action, replied.result, replied.event) == ("evaluation", "answered", TEMADAG)
    thanks = (await outbox(services))[-1]
    assert thanks.to_address == "karen.holm@jammerbugt.dk"
    assert "Tak for dine svar om Temadag" in thanks.body

    # Words the bot cannot read as answers: kept as a comment, never lost, thanked for too.
    prose = await handler.handle(
        mail(
            "Tusind tak for en dejlig dag, tolkene var fantastiske!\n\nKaren Holm",
            subject="SV: " + str(received.message["Subject"]),
            in_reply_to=evaluation_id,
        ),
        now=MOMENT.replace(hour=13),
    )
    assert prose.result == "answered" and prose.reason == "kept as a comment"
    assert "Vi har gemt det, du skrev" in (await outbox(services))[-1].body

    # Answers to the same mail a second time count once: kept whole as a comment.
    twice = await handler.handle(
        mail(
            "5, ja, ja",
            subject="SV: " + str(received.message["Subject"]),
            in_reply_to=evaluation_id,
        ),
        now=MOMENT.replace(hour=14),
    )
    assert twice.reason == "kept as a comment"

    rows = await answer_rows(services)
    assert [(r["satisfaction"], r["practical"], r["again"], r["comment"]) for r in rows] == [
        (4, "yes", "yes", "Salen var lidt kold."),
        (None, None, None, "Tusind tak for en dejlig dag, tolkene var fantastiske!"),
        (None, None, None, "5, ja, ja"),
    ]
    assert {r["channel"] for r in rows} == {"email"}
    assert rows[0]["answered_at"].minute == 0  # the hour only
    holds_nobody(rows, "Karen", "Holm", "jammerbugt", evaluation_id)
    summary = await results(services.db, TEMADAG)
    assert summary.answered == 1 and summary.average == 4.0 and len(summary.comments) == 3

    # The person's data: that they were sent it, never what anyone answered; erased with them.
    karen_who = Who.of(email="karen.holm@jammerbugt.dk")
    export = await Privacy(services).export(karen_who, "da", MOMENT)
    assert "at du fik tilsendt evalueringen efter et arrangement (1)" in export.text
    assert "Salen var lidt kold" not in export.text and "Salen var lidt kold" not in str(
        export.json
    )
    await Privacy(services).erase(karen_who, channel="email", now=MOMENT)
    async with services.db.session() as session:
        left = list(await session.scalars(select(SentNotice.kind)))
    assert "evaluation" not in left
    assert len(await answer_rows(services)) == 3  # the anonymous answers stay
