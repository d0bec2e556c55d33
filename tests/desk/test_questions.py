"""What the bot could not answer, at the desk: similar questions grouped, a group answered and
taught at once, the shares answered by the bot, handed over and answered by staff, and the
question log under them (what it holds, what the privacy rules do to it, its migration).

The questions are asked through the real conversation turn (as the web chat asks it) and the
real mail handler, on the ``desk`` fixture's services.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import inspect, select

from bot.cases import StaffMember
from bot.cases.similar import THRESHOLD, group, key, similarity
from bot.channels.mail.handling import MailHandler
from bot.channels.mail.outbox import Outbox
from bot.clock import TZ, parse_aware
from bot.conversations.messages import Incoming
from bot.conversations.questions import QuestionAsked, QuestionLog, Week, record_question
from bot.conversations.turn import Conversation
from bot.delivery.models import ChatOutboxMessage
from bot.privacy.retention import RetentionJob
from bot.privacy.service import Privacy, Who
from bot.registrations.identity import ChatId
from bot.services import Services
from bot.settings import Settings
from bot.staff.models import DeskAudit
from bot.storage.migrate import current_revision, downgrade, head_revision, upgrade
from tests.conftest import KNOWLEDGE
from tests.desk.conftest import ANNE, BO, Desk, sign_in, token_of
from tests.mail.test_handling import QUOTE, mail
from tests.registrations.conftest import Target, target
from tests.registrations.test_migrations import schema_differences
from tests.web.events import SLUG

__all__ = ["target"]  # the migration test's fixture: SQLite and PostgreSQL

GUIDE_DOG = (
    "Må jeg tage min førerhund med?",
    "Kan man have sin førerhund med til temadagen?",
    "Er førerhunde tilladt på dagen?",
)
PARKING = "Er der parkering ved salen?"
ANSWER = "Ja, førerhunde er velkomne i salen."


@asynccontextmanager
async def staff(desk: Desk, who: tuple[str, str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with desk.client() as browser:
        assert (await sign_in(browser, who[1], who[2])).status_code == 303
        yield browser


class Chats:
    """Web chats on the real conversation turn, each opened on the event's page."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.turn = Conversation(services)
        self.count = 0

    async def ask(self, text: str, chat: str | None = None, at: datetime | None = None) -> str:
        if chat is None:
            self.count += 1
            chat = f"web-{self.count}"
        base = Incoming(
            channel="web",
            chat_id=chat,
            now=at or self.services.clock(),
            person=ChatId("web", chat),
        )
        await self.turn.handle(replace(base, text=f"/start {SLUG}"))
        answer = (await self.turn.handle(replace(base, text=text))).text
        await self.services.db.settled()  # the question log is written just after the answer
        return answer


async def log_rows(services: Services) -> list[QuestionAsked]:
    async with services.db.session() as session:
        return list(await session.scalars(select(QuestionAsked).order_by(QuestionAsked.id)))


def group_of(page: str, first: int) -> str:
    """The HTML of the group named by its first case."""
    start = page.index(f'id="gruppe-{first}"')
    return page[start : page.index("</form>", start)]


# -- grouping -----------------------------------------------------------------------------------


def test_three_wordings_of_one_question_are_one_group() -> None:
    questions = [
        *GUIDE_DOG,
        PARKING,
        "Kan jeg få vegetarisk mad?",
        "Kan jeg tage en ledsager med?",
        "Er der teleslynge i salen?",
    ]
    items = list(enumerate(questions, start=1))
    groups = group(items)
    assert [g.ids for g in groups] == [(1, 2, 3), (4,), (5,), (6,), (7,)]
    # Deterministic: the same partition whatever the order they come in.
    shuffled = items[:]
    random.Random(15).shuffle(shuffled)
    assert sorted(sorted(g.ids) for g in group(shuffled)) == sorted(sorted(g.ids) for g in groups)
    assert key("Er førerhunde tilladt på dagen?") == "forerhund tillad"
    assert similarity(GUIDE_DOG[0], GUIDE_DOG[2]) >= THRESHOLD
    assert similarity(GUIDE_DOG[0], "Kan jeg tage en ledsager med?") < THRESHOLD
    assert group([]) == [] and [g.ids for g in group([(9, "Hvad så?")])] == [(9,)]


# -- the page -----------------------------------------------------------------------------------


async def test_the_page_groups_three_wordings_and_counts_them(desk: Desk) -> None:
    chats = Chats(desk.services)
    for question in (*GUIDE_DOG, PARKING):
        assert "sendt dit spørgsmål videre" in await chats.ask(question)
    assert "kl. 10.00" in await chats.ask("Hvornår starter temadagen?")
    cases = {c.question: c.id for c in await desk.services.cases.open_cases()}
    async with staff(desk, ANNE) as browser:
        page = await browser.get("/desk/spoergsmaal")
        chosen = await browser.get(f"/desk/spoergsmaal?arrangement={SLUG}")
        unknown = await browser.get("/desk/spoergsmaal?arrangement=findes-ikke")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Det, botten ikke kunne svare på</h1>" in text
    assert 'aria-current="page">Ubesvarede spørgsmål</a>' in text
    dogs = group_of(text, cases[GUIDE_DOG[0]])
    assert "<h4>Stillet 3 gange</h4>" in dogs
    for wording in GUIDE_DOG:
        assert wording in dogs and f'name="sag" value="{cases[wording]}"' in dogs
    assert PARKING not in dogs
    parking = group_of(text, cases[PARKING])
    assert "<h4>Stillet én gang</h4>" in parking and "Send svaret og gem det" in parking
    assert text.index(dogs) < text.index(parking)  # the largest group first
    # The shares: 5 questions, 1 answered by the bot, 4 handed over, none answered by staff.
    row = text[text.index(f'<th scope="row">{desk.title}</th>') :]
    cells = [c.split("</td>")[0] for c in row.split('<td class="number">')[1:5]]
    assert cells == ["5", "1 (20 %)", "4 (80 %)", "0 (0 %)"]
    assert f"Uge {datetime.now(TZ).isocalendar().week}, " in text
    assert chosen.status_code == 200 and "Stillet 3 gange" in chosen.text
    assert unknown.status_code == 200 and "Stillet 3 gange" in unknown.text  # all events


async def test_a_group_is_answered_once_and_the_bot_answers_the_next_person(desk: Desk) -> None:
    chats = Chats(desk.services)
    for question in (*GUIDE_DOG, PARKING):
        await chats.ask(question)
    cases = {c.question: c.id for c in await desk.services.cases.open_cases()}
    ids = [cases[q] for q in GUIDE_DOG]
    async with staff(desk, ANNE) as browser:
        page = await browser.get("/desk/spoergsmaal")
        answered = await browser.post(
            "/desk/spoergsmaal/svar",
            data={"csrf": token_of(page.text), "arrangement": "", "sag": ids, "svar": ANSWER},
        )
        assert answered.status_code == 303
        assert answered.headers["location"] == "/desk/spoergsmaal?besvaret=3&gemt=3&sprunget=0"
        after = await browser.get(answered.headers["location"])
    assert 'role="status"' in after.text
    assert "Besvarede sager: 3. Botten svarer nu selv på disse spørgsmål." in after.text
    assert "Stillet 3 gange" not in after.text and PARKING in after.text
    # Each participant got the answer on their own chat, as from the staff chat.
    async with desk.services.db.session() as session:
        relays = list(
            await session.scalars(
                select(ChatOutboxMessage.chat_id).where(ChatOutboxMessage.kind == "relay")
            )
        )
    assert sorted(relays) == ["web-1", "web-2", "web-3"]
    for number in ids:
        case = await desk.services.cases.get(number)
        assert case is not None and case.status == "answered" and case.answer == ANSWER
        assert case.taken_by == "Anne Sekretær"
    assert sorted(x.question for x in await desk.services.cases.learned()) == sorted(GUIDE_DOG)
    # The next person asking, in any of the words, or others, gets the answer from the bot.
    assert await chats.ask(GUIDE_DOG[1]) == ANSWER
    assert await chats.ask("må jeg have min førerhund med") == ANSWER
    trail = [(e.staff_name, e.action, e.subject) for e in await desk.accounts.trail()]
    for number in ids:
        assert ("Anne Sekretær", "case_answered", f"case:{number}") in trail
        assert ("Anne Sekretær", "case_taught", f"case:{number}") in trail
    tallies = await QuestionLog(desk.services.db).tallies()
    assert tallies.per_event[SLUG].staff_answered == 3


async def test_a_group_answer_leaves_the_cases_someone_else_has(desk: Desk) -> None:
    chats = Chats(desk.services)
    for question in GUIDE_DOG:
        await chats.ask(question)
    ids = sorted(c.id for c in await desk.services.cases.open_cases())
    bo = StaffMember(f"email:{BO[1]}", "Bo Berg")
    await desk.services.cases.take(ids[1], bo, desk.accounts.clock())
    async with staff(desk, ANNE) as browser:
        page = await browser.get("/desk/spoergsmaal")
        assert "Taget af Bo Berg" in group_of(page.text, ids[0])
        answered = await browser.post(
            "/desk/spoergsmaal/svar",
            data={"csrf": token_of(page.text), "sag": ids, "svar": ANSWER},
        )
        after = await browser.get(answered.headers["location"])
    assert "Besvarede sager: 2." in after.text and "Ikke rørt: 1" in after.text
    held = await desk.services.cases.get(ids[1])
    assert held is not None and held.status == "taken" and held.answer is None
    assert "Stillet én gang" in after.text  # Bo's case still waits, on its own


async def test_an_empty_or_stale_group_answer_is_refused_at_its_group(desk: Desk) -> None:
    chats = Chats(desk.services)
    for question in GUIDE_DOG:
        await chats.ask(question)
    ids = sorted(c.id for c in await desk.services.cases.open_cases())
    async with staff(desk, ANNE) as browser:
        token = token_of((await browser.get("/desk/spoergsmaal")).text)
        empty = await browser.post(
            "/desk/spoergsmaal/svar", data={"csrf": token, "sag": ids, "svar": "  "}
        )
        assert empty.status_code == 400
        at_group = group_of(empty.text, ids[0])
        assert "Skriv dit svar i feltet, før du sender det." in at_group
        assert 'role="alert"' in at_group and 'aria-invalid="true"' in at_group
        for number in ids:
            await desk.services.cases.close(
                number, StaffMember("cli:x", "X"), desk.accounts.clock()
            )
        stale = await browser.post(
            "/desk/spoergsmaal/svar", data={"csrf": token, "sag": ids, "svar": ANSWER}
        )
        assert stale.status_code == 409 and "Ingen af spørgsmålene kunne besvares" in stale.text
        nothing = await browser.post(
            "/desk/spoergsmaal/svar", data={"csrf": token, "sag": ["x", "0"], "svar": ANSWER}
        )
        assert nothing.status_code == 303 and nothing.headers["location"] == "/desk/spoergsmaal"
        refused = await browser.post("/desk/spoergsmaal/svar", data={"sag": ids, "svar": ANSWER})
        assert refused.status_code == 403
    async with desk.client() as stranger:
        assert (await stranger.get("/desk/spoergsmaal")).status_code == 303
        answer = await stranger.post("/desk/spoergsmaal/svar", data={"svar": ANSWER})
        assert answer.status_code == 303 and answer.content == b""
    assert await desk.services.cases.learned() == []


# -- the shares ---------------------------------------------------------------------------------


async def test_the_shares_per_event_and_per_week_in_copenhagen(desk: Desk) -> None:
    db = desk.services.db
    sunday = parse_aware("2025-03-30T23:30:00+02:00")  # week 13 in Copenhagen (21:30 UTC)
    monday = parse_aware("2025-03-31T00:30:00+02:00")  # week 14 in Copenhagen (22:30 UTC)
    case = await desk.services.cases.open(
        channel="web", chat_id="c", question="?", lang="da", event=SLUG, now=sunday
    )
    async with db.transaction() as session:
        record_question(session, event=SLUG, now=sunday)
        record_question(session, event=SLUG, now=sunday, case_id=case.id)
        record_question(session, event=SLUG, now=monday)
        record_question(session, event="andet-arrangement", now=monday)
        record_question(session, event=None, now=monday)
    await desk.services.cases.answer(case.id, StaffMember("cli:x", "X"), "Ja.", monday)
    log = QuestionLog(db)
    tallies = await log.tallies(SLUG)
    assert [
        (w, t.asked, t.answered, t.handed_over, t.staff_answered) for w, t in tallies.per_week
    ] == [
        (Week(2025, 13), 2, 1, 1, 1),
        (Week(2025, 14), 1, 1, 0, 0),
    ]
    assert tallies.total.asked == 5 and len((await log.tallies()).per_week) == 2
    async with staff(desk, BO) as browser:
        page = (await browser.get(f"/desk/spoergsmaal?arrangement={SLUG}")).text
    weeks = page[page.index('id="per-uge"') :]
    assert f"Pr. uge: {desk.title}" in weeks
    assert "Uge 13, 2025" in weeks and "Uge 14, 2025" in weeks
    week13 = weeks[weeks.index("Uge 13, 2025") :]
    cells = [c.split("</td>")[0] for c in week13.split('<td class="number">')[1:5]]
    assert cells == ["2", "1 (50 %)", "1 (50 %)", "1 (100 %)"]
    events = page[page.index('id="per-arrangement"') : page.index('id="per-uge"')]
    order = [desk.title, "andet-arrangement", "Uden arrangement", "I alt"]
    assert [events.index(f'<th scope="row">{label}</th>') for label in order] == sorted(
        events.index(f'<th scope="row">{label}</th>') for label in order
    )


# -- the question log ---------------------------------------------------------------------------


async def test_the_question_log_holds_no_words_and_outlives_the_person(desk: Desk) -> None:
    services = desk.services
    chats = Chats(services)
    asked = datetime(2025, 3, 31, 10, 47, 13, tzinfo=UTC)
    await chats.ask(GUIDE_DOG[0], chat="karen", at=asked)
    await chats.ask("Hvornår starter temadagen?", chat="karen", at=asked)
    await chats.ask("Hej", chat="karen", at=asked)  # a greeting is no question
    columns = {c.name for c in QuestionAsked.__table__.columns}
    assert columns == {"id", "event_slug", "at", "outcome", "case_id", "staff_answered"}
    rows = await log_rows(services)
    assert [(r.event_slug, r.at, r.outcome) for r in rows] == [
        (SLUG, datetime(2025, 3, 31, 10, tzinfo=UTC), "handed_over"),
        (SLUG, datetime(2025, 3, 31, 10, tzinfo=UTC), "answered"),
    ]
    [case] = await services.cases.open_cases()
    assert rows[0].case_id == case.id
    # Karen asks to be forgotten: her case is anonymised, the counts stay.
    await Privacy(services).erase(
        Who.of(chat=ChatId("web", "karen")), channel="web", now=services.clock()
    )
    assert len(await log_rows(services)) == 2
    # Long after the event, the retention job deletes the case; the count stays, unlinked.
    event = services.kb.event(SLUG)
    assert event is not None
    later = event.end + timedelta(days=services.settings.retention_days + 1)
    await RetentionJob(services, clock=lambda: later).sweep(later)
    assert await services.cases.get(case.id) is None
    assert [(r.outcome, r.case_id) for r in await log_rows(services)] == [
        ("handed_over", None),
        ("answered", None),
    ]


async def test_questions_by_mail_are_counted_too(tmp_path: Path) -> None:
    settings = Settings(
        knowledge_dir=KNOWLEDGE,
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'mail.sqlite3'}",
        mail_from="rammeaftalesekretariat@aalborg.dk",
        smtp_host="127.0.0.1",
    )
    services = await Services.start(settings)
    try:
        outbox = Outbox(services.db, mail_from="rammeaftalesekretariat@aalborg.dk")
        handler = MailHandler(services, outbox, mail_from="rammeaftalesekretariat@aalborg.dk")
        now = parse_aware("2024-04-10T12:00:00+02:00")
        await handler.handle(mail("Hvor foregår temadagen?" + QUOTE), now=now)
        await handler.handle(mail("Er der parkering ved hotellet?" + QUOTE), now=now)
        await handler.handle(mail("Ja tak, jeg deltager." + QUOTE), now=now)  # no question
        rows = await log_rows(services)
        [case] = await services.cases.open_cases()
    finally:
        await services.close()
    assert [(r.event_slug, r.outcome, r.case_id) for r in rows] == [
        ("handicapraad-temadag-2024", "answered", None),
        ("handicapraad-temadag-2024", "handed_over", case.id),
    ]


async def test_the_question_log_after_0013_and_back(target: Target) -> None:
    db = target.connect()
    await upgrade(db, "0012")
    at = datetime(2025, 3, 31, 10, tzinfo=UTC)
    async with db.transaction() as session:
        await session.execute(
            DeskAudit.__table__.insert().values(at=at, staff_name="Anne", action="signin")
        )
    await db.migrate()
    assert await current_revision(db) == head_revision()
    async with db.engine.connect() as conn:
        assert await conn.run_sync(schema_differences) == []
        assert "questions_asked" in await conn.run_sync(lambda c: inspect(c).get_table_names())
    async with db.session() as session:
        kept = (await session.execute(select(DeskAudit.staff_name, DeskAudit.subject))).all()
    assert [tuple(row) for row in kept] == [("Anne", None)]
    async with db.transaction() as session:
        record_question(session, event="x", now=at)
    assert (await QuestionLog(db).tallies()).per_event["x"].answered == 1
    await downgrade(db, "0012")
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        audit_columns = await conn.run_sync(
            lambda c: [col["name"] for col in inspect(c).get_columns("desk_audit")]
        )
    assert "questions_asked" not in tables and "subject" not in audit_columns
    await db.migrate()
    assert await current_revision(db) == head_revision()


def test_week_numbers_follow_copenhagen() -> None:
    assert Week.of(parse_aware("2025-03-30T23:30:00+02:00")) == Week(2025, 13)
    assert Week.of(parse_aware("2025-03-31T00:30:00+02:00")) == Week(2025, 14)
    assert Week.of(parse_aware("2026-01-01T00:30:00+01:00")) == Week(2026, 1)
    assert Week.of(parse_aware("2027-01-01T00:30:00+01:00")) == Week(2026, 53)
