"""The privacy tests' bot: real services on SQLite and PostgreSQL, two events, and two people.

Karen Holmgaard is everywhere: she signs up in Telegram for the spring day, asks there what the
knowledge base cannot answer (a case a staff member takes, answers and saves as an answer), and
by e-mail signs up for the autumn day and asks again (an escalated e-mail case). Ole Bakmand does
the same in small. What they did is done through the services and the real mail handler, so the
database holds what the running bot would hold.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from bot.cases import StaffMember
from bot.channels.mail.handling import Handled, MailHandler
from bot.channels.mail.outbox import Outbox
from bot.clock import parse_aware
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId
from bot.services import Services
from bot.settings import Settings
from tests.conftest import postgres_schema
from tests.telegram.fake_bot_api import TOKEN

NOW = parse_aware("2024-04-02T10:00:00+02:00")
BOT = "tilmelding@kommune.example.dk"
SPRING, AUTUMN = "foraarsdag-2024", "efteraarsdag-2024"
TITLES = {
    SPRING: "Forårsdag for Handicaprådene 2024",
    AUTUMN: "Efterårsdag for Ældrerådene 2024",
}
ANNE = StaffMember("telegram:900", "Anne Sekretær")


@dataclass(frozen=True)
class Someone:
    name: str
    email: str
    telegram: int
    organisation: str
    phrase: str  # a distinctive phrase of their own question


KAREN = Someone(
    "Karen Holmgaard", "karen.holmgaard@jammerbugt.dk", 777001234, "Ældrerådet i Xyzby",
    "førerhunden Fidolino",
)  # fmt: skip
OLE = Someone(
    "Ole Bakmand", "ole.bakmand@rebild.dk", 777005678, "Handicaprådet i Qwerby",
    "Bakmands elkørestol",
)  # fmt: skip


def write_knowledge(folder: Path) -> Path:
    """Two theme days in 2024: spring (31 May) and autumn (1 October)."""
    folder.mkdir()
    for slug, day in ((SPRING, "2024-05-31"), (AUTUMN, "2024-10-01")):
        (folder / f"{slug}.yaml").write_text(
            f"id: {slug}\nkind: event\nsource: {{file: x.txt}}\ntitle: {TITLES[slug]}\n"
            f"organiser: Sekretariat for Nordjysk Socialaftale\nstart: {day} 10:00\n"
            f"end: {day} 15:00\n"
            "venue: {name: Scandic Aalborg Øst, address: 'Hadsundvej 200, 9220 Aalborg'}\n"
            "registration: {deadline: 2024-05-20, capacity: 1}\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
async def services(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Services]:
    knowledge = write_knowledge(tmp_path / "knowledge")
    # Both channels on, so the bot can reach a person by e-mail and in Telegram (nothing sends).
    base = {
        "knowledge_dir": knowledge,
        "data_dir": tmp_path,
        "mail_from": BOT,
        "smtp_host": "127.0.0.1",
        "telegram_token": TOKEN,
    }
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        svc = await Services.start(Settings(**base, database_url=url))
        try:
            yield svc
        finally:
            await svc.close()
        return
    async with postgres_schema("privacy") as (url, schema):
        svc = await Services.start(Settings(**base, database_url=url, database_schema=schema))
        try:
            yield svc
        finally:
            await svc.close()


def mail_handler(services: Services) -> MailHandler:
    return MailHandler(services, Outbox(services.db, mail_from=BOT), mail_from=BOT)


def email(who: Someone, body: str, *, subject: str, reply_to: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"{who.name} <{who.email}>"
    message["To"] = BOT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="mail.example.net")
    if reply_to:
        message["In-Reply-To"] = f"<{reply_to}>"
        message["References"] = f"<{reply_to}>"
    message.set_content(body)
    return message.as_bytes()


async def everywhere(services: Services, who: Someone) -> list[Handled]:
    """A Telegram signup, chat and case (taken, answered, taught); an e-mail signup and
    question. What the mail handler did with the two e-mails."""
    kb = services.kb
    spring = kb.event(SPRING)
    assert spring is not None
    form = SignupForm(who.name, who.email, who.organisation, needs="Plads til en kørestol")
    await services.registrations.signup(
        spring, form, channel="telegram", now=NOW, chat=ChatId("telegram", str(who.telegram))
    )
    await services.conversations.update("telegram", who.telegram, NOW, event=SPRING, lang="da")
    case = await services.cases.open(
        channel="telegram",
        chat_id=who.telegram,
        user_id=who.telegram,
        name=who.name,
        question=f"Må {who.phrase} komme med?",
        lang="da",
        now=NOW,
        event=SPRING,
    )
    await services.cases.take(case.id, ANNE, NOW)
    await services.cases.add_participant_message(case.id, f"Det er {who.phrase}.", NOW)
    await services.cases.answer(case.id, ANNE, "Ja, førerhunde er velkomne.", NOW)
    await services.teach(case.id, ANNE, NOW)
    handler = mail_handler(services)
    signed_up = await handler.handle(
        email(
            who,
            f"Ja tak, jeg deltager gerne.\n\nMvh {who.name}\n{who.organisation}",
            subject=f"SV: Invitation: {TITLES[AUTUMN]}",
        ),
        now=NOW,
    )
    asked = await handler.handle(
        email(
            who,
            f"Kan {who.phrase} sove på hotellet?\n\nMvh {who.name}",
            subject=f"SV: Invitation: {TITLES[AUTUMN]}",
        ),
        now=NOW,
    )
    return [signed_up, asked]


# -- searching the whole database ----------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace") + value.decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


async def search(services: Services, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found anywhere: every column of every table
    the database has (reflected from the database itself, not from the models)."""
    found: list[tuple[str, str, str]] = []
    async with services.db.engine.connect() as conn:
        metadata = MetaData()
        await conn.run_sync(metadata.reflect)
        for table in metadata.sorted_tables:
            for row in await conn.execute(select(table)):
                for column, value in row._mapping.items():
                    if value is None:
                        continue
                    text = _text(value).casefold()
                    found += [(table.name, str(column), n) for n in needles if n.casefold() in text]
    return found


def traces(who: Someone) -> list[str]:
    """What would betray the person: name, address, Telegram id, their own words."""
    return [who.name, who.name.split()[-1], who.email, str(who.telegram), who.phrase]
