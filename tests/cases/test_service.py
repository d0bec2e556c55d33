"""Staff cases through the real CaseService on SQLite and PostgreSQL.

The participant is told everything through the real couriers (the chat outbox, the mail outbox),
so these tests read what was queued from the database: what a channel's sender would send.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.answering import Answerer
from bot.cases import CaseEntry, CaseError, CaseInfo, CaseService, StaffMember
from bot.cases.staff import StaffDesk, StaffPolicy
from bot.channels.mail.courier import MailCourier
from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.clock import parse_aware
from bot.delivery import ChatCourier, Delivery, Thread
from bot.delivery.models import ChatOutboxMessage
from bot.knowledge import KnowledgeBase
from bot.knowledge.learned import with_learned
from bot.registrations.identity import ChatId
from bot.settings import Settings
from bot.storage import Database
from tests.conftest import postgres_schema

TEMADAG = "handicapraad-temadag-2024"
NOW = parse_aware("2024-04-02T09:00:00+02:00")
ANNE = StaffMember("telegram:900", "Anne Sekretær")
BO = StaffMember("email:bo@kl.dk", "Bo")
QUIET = timedelta(minutes=30)


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'cases.sqlite3'}")
        await database.migrate()
        yield database
        await database.close()
        return
    async with postgres_schema("cases") as (url, schema):
        database = Database.connect(url, connect_args={"server_settings": {"search_path": schema}})
        try:
            await database.migrate()
            yield database
        finally:
            await database.close()


@pytest.fixture
def cases(db: Database) -> CaseService:
    delivery = Delivery()
    delivery.register("telegram", ChatCourier(db, "telegram"))
    delivery.register(
        "email", MailCourier(Outbox(db, mail_from="bot@kl.dk"), lambda _e: "Sekretariatet")
    )
    return CaseService(db, delivery, quiet=QUIET)


async def chat_outbox(db: Database) -> list[ChatOutboxMessage]:
    async with db.session() as session:
        return list(await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id)))


async def mail_outbox(db: Database) -> list[OutboxMail]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


async def telegram_case(cases: CaseService, question: str = "Er der parkering?") -> CaseInfo:
    return await cases.open(
        channel="telegram",
        chat_id=4711,
        user_id=4711,
        name="Karen Holm",
        question=question,
        lang="da",
        now=NOW,
        event=TEMADAG,
    )


async def test_a_case_keeps_the_question_and_waits_for_staff(cases: CaseService) -> None:
    case = await telegram_case(cases)
    assert (case.status, case.taken_by, case.muted_until) == ("new", None, None)
    [entry] = await cases.conversation(case.id)
    assert (entry.author, entry.author_name, entry.text) == (
        "participant",
        "Karen Holm",
        "Er der parkering?",
    )
    assert [c.id for c in await cases.open_cases()] == [case.id]
    # Not taken: the bot still answers the participant.
    assert await cases.muted_case("telegram", 4711, NOW) is None


async def test_taking_mutes_the_participant_and_tells_them_once(
    cases: CaseService, db: Database
) -> None:
    case = await telegram_case(cases)
    taken = await cases.take(case.id, ANNE, NOW)
    assert (taken.status, taken.taken_by, taken.muted_until) == (
        "taken",
        "Anne Sekretær",
        NOW + QUIET,
    )
    muted = await cases.muted_case("telegram", "4711", NOW + timedelta(minutes=1))
    assert muted is not None and muted.id == case.id
    assert await cases.muted_case("telegram", 4712, NOW) is None  # another chat
    # Another staff member takes it over: the participant is not told twice.
    again = await cases.take(case.id, BO, NOW + timedelta(minutes=2))
    assert again.taken_by == "Bo"
    [notice] = await chat_outbox(db)
    assert (notice.chat_id, notice.kind, notice.status) == ("4711", "taken", "pending")
    assert "sekretariatet ser nu på dit spørgsmål" in notice.text


async def test_an_answer_is_relayed_kept_and_extends_the_quiet(
    cases: CaseService, db: Database
) -> None:
    case = await telegram_case(cases)
    later = NOW + timedelta(minutes=10)
    answered = await cases.answer(
        case.id, ANNE, "  Ja, der er gratis parkering ved hallen.  ", later
    )
    assert answered.status == "answered" and answered.taken_by == "Anne Sekretær"
    assert answered.answer == "Ja, der er gratis parkering ved hallen."
    assert answered.muted_until == later + QUIET
    [relay] = await chat_outbox(db)
    assert relay.kind == "relay" and relay.chat_id == "4711"
    assert relay.text == "Svar fra sekretariatet:\n\nJa, der er gratis parkering ved hallen."
    authors = [(e.author, e.author_name) for e in await cases.conversation(case.id)]
    assert authors == [("participant", "Karen Holm"), ("staff", "Anne Sekretær")]


async def test_an_email_case_is_answered_in_the_participants_thread(
    cases: CaseService, db: Database
) -> None:
    case = await cases.open(
        channel="email",
        chat_id="karen@aalborg.dk",
        email="karen@aalborg.dk",
        name="Karen Holm",
        question="Må min ledsager komme med?",
        lang="da",
        now=NOW,
        event=TEMADAG,
        thread=Thread("q1@aalborg.dk", ("inv1@kl.dk",), "SV: Invitation"),
    )
    await cases.answer(case.id, BO, "Ja, ledsagere er velkomne.", NOW)
    [mail] = await mail_outbox(db)
    assert mail.to_address == "karen@aalborg.dk"
    assert mail.headers["In-Reply-To"] == "<q1@aalborg.dk>"
    assert mail.headers["References"] == "<inv1@kl.dk> <q1@aalborg.dk>"
    assert mail.subject == "SV: Invitation"
    assert mail.body.startswith("Kære Karen Holm\n\nSvar fra sekretariatet:\n\nJa, ledsagere")
    assert mail.body.endswith("Sekretariatet")
    assert await chat_outbox(db) == []


async def test_closing_hands_back_and_closed_cases_refuse_more(
    cases: CaseService, db: Database
) -> None:
    case = await telegram_case(cases)
    await cases.take(case.id, ANNE, NOW)
    closed = await cases.close(case.id, ANNE, NOW + timedelta(minutes=5))
    assert (closed.status, closed.muted_until) == ("closed", None)
    assert await cases.muted_case("telegram", 4711, NOW + timedelta(minutes=6)) is None
    kinds = [row.kind for row in await chat_outbox(db)]
    assert kinds == ["taken", "handback"]
    assert await cases.open_cases() == []
    for action in (
        cases.close(case.id, ANNE, NOW),
        cases.take(case.id, ANNE, NOW),
        cases.answer(case.id, ANNE, "x", NOW),
    ):
        with pytest.raises(CaseError) as problem:
            await action
        assert problem.value.reason == "closed"
    with pytest.raises(CaseError) as missing:
        await cases.take(999, ANNE, NOW)
    assert missing.value.reason == "not_found"


async def test_closing_a_case_nobody_took_says_nothing_to_the_participant(
    cases: CaseService, db: Database
) -> None:
    case = await telegram_case(cases)
    await cases.close(case.id, ANNE, NOW)
    assert await chat_outbox(db) == []


async def test_quiet_time_hands_back_but_keeps_the_case_open(
    cases: CaseService, db: Database
) -> None:
    case = await telegram_case(cases)
    await cases.take(case.id, ANNE, NOW)
    assert await cases.muted_case("telegram", 4711, NOW + QUIET - timedelta(seconds=1))
    # The participant writes after the quiet time: handed back at once, and told.
    assert await cases.muted_case("telegram", 4711, NOW + QUIET + timedelta(seconds=1)) is None
    still = await cases.get(case.id)
    assert still is not None and still.status == "taken" and still.muted_until is None
    assert [r.kind for r in await chat_outbox(db)] == ["taken", "handback"]
    # The periodic check finds nothing more to hand back: told once.
    assert await cases.release_quiet(NOW + QUIET * 3) == []
    assert [c.id for c in await cases.open_cases()] == [case.id]


async def test_release_quiet_hands_back_every_case_past_its_time(
    cases: CaseService, db: Database
) -> None:
    first = await telegram_case(cases)
    second = await cases.open(
        channel="email", chat_id="a@b.dk", email="a@b.dk", question="?", lang="en", now=NOW
    )
    await cases.take(first.id, ANNE, NOW)
    await cases.take(second.id, ANNE, NOW + QUIET)
    released = await cases.release_quiet(NOW + QUIET + timedelta(minutes=1))
    assert [c.id for c in released] == [first.id]
    [_, handback] = await chat_outbox(db)
    assert handback.kind == "handback" and "svarer jeg dig selv igen" in handback.text
    [taken_mail] = await mail_outbox(db)
    assert "secretariat is now looking" in taken_mail.body  # in the participant's language


async def test_what_the_participant_adds_is_kept_for_staff(cases: CaseService) -> None:
    case = await telegram_case(cases)
    await cases.take(case.id, ANNE, NOW)
    await cases.record_post(case, "telegram", "101", NOW)
    await cases.add_participant_message(case.id, "Jeg kommer i kørestol.", NOW)
    [(same, entry, reply_to)] = await cases.unposted_messages("telegram")
    assert same.id == case.id and entry.text == "Jeg kommer i kørestol." and reply_to == "101"
    await cases.record_post(same, "telegram", "102", NOW, message_id=entry.id)
    assert await cases.unposted_messages("telegram") == []
    # A staff reply to the case post or to the forwarded message finds the case.
    assert await cases.case_of_post("telegram", ["102"]) == case.id
    assert await cases.case_of_post("telegram", ["nope", "101"]) == case.id
    assert await cases.case_of_post("email", ["101"]) is None


async def test_posts_are_redrawn_once_per_change(cases: CaseService) -> None:
    case = await telegram_case(cases)
    assert [c.id for c in await cases.unannounced("telegram")] == [case.id]
    await cases.record_post(case, "telegram", "101", NOW)
    assert await cases.unannounced("telegram") == []
    assert [c.id for c in await cases.unannounced("email")] == [case.id]
    assert await cases.stale_posts("telegram") == []
    taken = await cases.take(case.id, ANNE, NOW)
    [(stale, ref)] = await cases.stale_posts("telegram")
    assert stale.status == "taken" and ref == "101"
    await cases.record_shown(taken, "telegram", "101")
    assert await cases.stale_posts("telegram") == []


async def test_teaching_needs_an_answer_and_then_answers_for_the_bot(
    cases: CaseService, kb: KnowledgeBase
) -> None:
    question = "Kan man parkere gratis ved hallen?"
    assert Answerer(kb).answer(question, TEMADAG, "da", NOW).escalate
    case = await telegram_case(cases, question)
    with pytest.raises(CaseError) as problem:
        await cases.teach(case.id, ANNE, NOW)
    assert problem.value.reason == "no_answer"
    await cases.answer(case.id, ANNE, "Ja, der er gratis parkering lige ved hallen.", NOW)
    learned = await cases.teach(case.id, ANNE, NOW)
    assert (learned.event, learned.question) == (TEMADAG, question)
    taught = Answerer(with_learned(kb, await cases.learned()))
    reworded = taught.answer("er der gratis parkering ved hallen", TEMADAG, "da", NOW)
    assert not reworded.escalate and "gratis parkering lige ved hallen" in reworded.text
    # What was not taught is still handed over.
    assert taught.answer("Er der teleslynge i salen?", TEMADAG, "da", NOW).escalate


async def test_a_case_without_an_event_cannot_teach(cases: CaseService) -> None:
    case = await cases.open(channel="telegram", chat_id=1, question="Hvad?", lang="da", now=NOW)
    await cases.answer(case.id, ANNE, "Sådan.", NOW)
    with pytest.raises(CaseError) as problem:
        await cases.teach(case.id, ANNE, NOW)
    assert problem.value.reason == "no_event"


class RecordingBoard:
    """A staff board that keeps what it was shown (a board is a transport, like a channel)."""

    def __init__(self, route: str, fail: bool = False) -> None:
        self.route = route
        self.fail = fail
        self.posts: list[int] = []
        self.messages: list[tuple[int, str, str]] = []
        self.redraws: list[tuple[int, str]] = []

    async def post(self, case: CaseInfo) -> str:
        if self.fail:
            raise ConnectionError("board down")
        self.posts.append(case.id)
        return f"post-{case.id}"

    async def post_message(self, case: CaseInfo, entry: CaseEntry, reply_to: str) -> str | None:
        self.messages.append((case.id, entry.text, reply_to))
        return f"msg-{entry.id}"

    async def redraw(self, case: CaseInfo, ref: str) -> None:
        self.redraws.append((case.id, case.status))


async def test_the_desk_keeps_every_board_in_step_and_survives_a_board_down(
    cases: CaseService,
) -> None:
    desk = StaffDesk(cases, clock=lambda: NOW)
    down, board = RecordingBoard("email", fail=True), RecordingBoard("telegram")
    desk.add_board(down)
    desk.add_board(board)
    case = await telegram_case(cases)
    await desk.sync()
    await desk.sync()  # nothing twice
    assert board.posts == [case.id] and board.redraws == []
    await cases.take(case.id, ANNE, NOW)
    await cases.add_participant_message(case.id, "Hallo?", NOW)
    await desk.sync()
    assert board.messages == [(case.id, "Hallo?", f"post-{case.id}")]
    assert board.redraws == [(case.id, "taken")]
    await desk.sync()
    assert board.redraws == [(case.id, "taken")]
    # The board that was down gets everything once it is back.
    down.fail = False
    await desk.sync()
    assert down.posts == [case.id]
    [_question, added] = await cases.conversation(case.id)
    assert await cases.case_of_post("telegram", [f"msg-{added.id}"]) == case.id


def test_staff_policy_reads_the_settings() -> None:
    policy = StaffPolicy(
        Settings(
            staff_telegram_ids=[42],
            staff_emails=["Anne@KL.dk "],
            staff_email="sekretariat@kl.dk",
        )
    )
    assert policy.chat_is_staff(ChatId("telegram", "42"))
    assert not policy.chat_is_staff(ChatId("telegram", "43"))
    assert not policy.chat_is_staff(ChatId("web", "42")) and not policy.chat_is_staff(None)
    assert policy.email_is_staff("anne@kl.dk") and policy.email_is_staff("SEKRETARIAT@kl.dk")
    assert not policy.email_is_staff("karen@aalborg.dk") and not policy.email_is_staff(None)


async def test_the_participants_messages_stay_in_order_with_who_wrote(cases: CaseService) -> None:
    case = await telegram_case(cases)
    for i in range(3):
        await cases.add_participant_message(case.id, f"besked {i}", NOW + timedelta(seconds=i))
    texts = [e.text for e in await cases.conversation(case.id)]
    assert texts == ["Er der parkering?", "besked 0", "besked 1", "besked 2"]


async def test_very_long_texts_are_kept_within_bounds(cases: CaseService) -> None:
    case = await telegram_case(cases, "x" * 50_000)
    assert len(case.question) == 10_000
    answered = await cases.answer(case.id, ANNE, "y" * 50_000, NOW)
    assert answered.answer is not None and len(answered.answer) == 10_000


def test_now_is_aware() -> None:
    assert NOW.tzinfo is not None and isinstance(NOW, datetime)
