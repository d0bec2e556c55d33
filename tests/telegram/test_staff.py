"""The secretariat in Telegram end to end: cases in the staff chat, staff commands, who is staff.

The bot runs as ``serve`` runs it (the Application, the staff chat on the staff desk and the chat
outbox sender beside it, see ``app.run_beside``) plus the desk's loop, as ``python -m bot run``
starts it; on a real SQLite database with the real knowledge, against the fake Bot API over
HTTP, with the test's clock everywhere. Participants and staff act only through Telegram updates.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Bot as TgBot

from bot.answering import Answerer
from bot.channels.mail.models import OutboxMail
from bot.channels.telegram.app import build_application, run_beside, serve
from bot.channels.telegram.staff import staff_board
from bot.clock import parse_aware
from bot.delivery.models import ChatOutboxMessage
from bot.knowledge.learned import LearnedAnswer
from bot.knowledge.schema import Event
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId, Identity
from bot.services import Services
from bot.settings import Settings
from tests.conftest import KNOWLEDGE
from tests.telegram.fake_bot_api import TOKEN, Call, FakeBotAPI, SentMessage, run_polling
from tests.telegram.helpers import FAST, TEMADAG, Bot, Clock, settings_for

STAFF_CHAT = -1001234567890
ANNE = 900  # in the staff chat
LISTED = 901  # staff by BOT_STAFF_TELEGRAM_IDS, never in the staff chat
MEMBER = 902  # a member of the staff chat, writing privately
KAREN = 501  # participants
OLE = 502
OUTSIDER = 601

# Nothing in the knowledge says whether a companion may come; the bot must hand it to staff.
COMPANION = "Må jeg tage en ledsager med?"
REWORDED = "Kan jeg tage min ledsager med?"
STAFF_ANSWER = "Ja, en ledsager er velkommen og deltager gratis."
REFUSED = "Beklager, det kan kun sekretariatet bruge."


@dataclass
class Staffed(Bot):
    """The chat helper plus the staff chat: posts, redraws, staff buttons and replies."""

    async def posted(self) -> SentMessage:
        """The bot's next new message in the staff chat (a post, a follow-up, an answer)."""
        [message] = await self.api.wait_for_sent(STAFF_CHAT, predicate=lambda m: not m.is_edit)
        return message

    async def recorded(self, message: SentMessage) -> SentMessage:
        """``message`` once the desk has recorded it as a case's (a person is never as quick)."""
        async with asyncio.timeout(5):
            ref = [str(message.message_id)]
            # Recording a post signals nothing, so look in the database until it is there.
            while not await self.services.cases.case_of_post("telegram", ref):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        return message

    async def redrawn(self, post: SentMessage, shows: str) -> Call:
        """The edit of ``post`` that shows ``shows``."""
        [call] = await self.api.wait_for_call(
            "editMessageText",
            predicate=lambda c: (
                c.params.get("message_id") == post.message_id
                and shows in str(c.params.get("text"))
                and c.status == 200
            ),
        )
        return call

    async def press_as(
        self, user_id: int, chat: int, message: SentMessage, data: str, **kwargs: Any
    ) -> str:
        """Press a button; what the bot answered the button with."""
        update = self.api.press_button(chat, message.message_id, data, user_id=user_id, **kwargs)
        query_id = update["callback_query"]["id"]
        [call] = await self.api.wait_for_call(
            "answerCallbackQuery", predicate=lambda c: c.params.get("callback_query_id") == query_id
        )
        return str(call.params.get("text", ""))

    async def staff_press(self, post: SentMessage, label: str) -> str:
        return await self.press_as(
            ANNE, STAFF_CHAT, post, post.button_data(label), first_name="Anne", last_name="Dahl"
        )

    async def staff_says(self, text: str, reply_to: SentMessage | None = None) -> SentMessage:
        """Anne writes in the staff chat (replying to a message); the bot's answer there."""
        self.api.send_text(
            STAFF_CHAT,
            text,
            user_id=ANNE,
            first_name="Anne",
            last_name="Dahl",
            reply_to_message_id=reply_to.message_id if reply_to else None,
        )
        return await self.posted()

    async def open_case(self, chat: int, question: str = COMPANION, **person: Any) -> SentMessage:
        """A participant asks what the bot cannot answer; the case's post in the staff chat."""
        await self.ask(chat, f"/start {TEMADAG}", **person)
        [handed] = await self.ask(chat, question)
        assert "sekretariatet" in handed.text
        return await self.recorded(await self.posted())


def staff_settings(tmp_path: Path, api: FakeBotAPI, **extra: Any) -> Settings:
    return settings_for(tmp_path, api).model_copy(
        update={
            "staff_chat_id": STAFF_CHAT,
            "staff_telegram_ids": [LISTED],
            "mail_from": "sekretariat@example.dk",
            **extra,
        }
    )


@asynccontextmanager
async def bot_running(api: FakeBotAPI, settings: Settings, clock: Clock) -> AsyncIterator[Staffed]:
    """The bot as ``python -m bot run`` runs it, on the test's clock, until the block ends."""
    services = await Services.start(settings)
    services.desk.clock = clock  # quiet time is measured on the test's clock too
    app = build_application(services, clock=clock, per_chat_rate=FAST)
    stop = asyncio.Event()
    try:
        async with run_polling(app):
            beside = [
                asyncio.create_task(services.desk.run(stop)),
                asyncio.create_task(run_beside(app, services, stop)),
            ]
            try:
                await api.wait_for_call("getUpdates")
                yield Staffed(api, services, clock, settings)
            finally:
                stop.set()
                await asyncio.gather(*beside)
    finally:
        await services.close()


@pytest.fixture
async def staffed(bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Staffed]:
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    async with bot_running(bot_api, staff_settings(tmp_path, bot_api), clock) as bot:
        yield bot


# -- a case's life --------------------------------------------------------------------------------


async def test_a_case_from_the_question_to_staffs_answer_and_back_to_the_bot(
    staffed: Staffed,
) -> None:
    bot = staffed
    post = await bot.open_case(KAREN, first_name="Karen", last_name="Holm")
    for shown in (
        "Sag #1",
        "Ny, ikke taget",
        "Fra: Karen Holm",
        "Arrangement: Temadag for Handicaprådene",
        "Kanal: Telegram",
        COMPANION,
    ):
        assert shown in post.text
    assert post.buttons == [["Tag sagen", "Løst", "Gem som svar"]]

    assert "Du har taget sag #1" in await bot.staff_press(post, "Tag sagen")
    await bot.redrawn(post, "Taget af Anne Dahl")
    [told] = await bot.said(KAREN)
    assert "ser nu på dit spørgsmål" in told.text

    # Karen writes again: the bot keeps quiet and shows it to staff, under the case's post.
    [note] = await bot.ask(KAREN, "Hvornår er der frokost? Min datter kommer også.")
    assert "givet din besked videre" in note.text and "12.15" not in note.text
    followup = await bot.recorded(await bot.posted())
    assert followup.message["reply_to_message"]["message_id"] == post.message_id
    assert "Sag #1: Karen Holm skriver:" in followup.text and "Min datter" in followup.text

    confirmation = await bot.staff_says(STAFF_ANSWER, reply_to=followup)
    assert "Dit svar i sag #1 er sendt til deltageren" in confirmation.text
    [relayed] = await bot.said(KAREN)
    assert relayed.text == f"Svar fra sekretariatet:\n\n{STAFF_ANSWER}"
    await bot.redrawn(post, "Besvaret af Anne Dahl")

    assert "Sag #1 er lukket" in await bot.staff_press(post, "Løst")
    [back] = await bot.said(KAREN)
    assert "velkommen til at spørge mig igen" in back.text
    closed = await bot.redrawn(post, "Løst og lukket")
    assert [
        [b["text"] for b in row] for row in closed.params["reply_markup"]["inline_keyboard"]
    ] == [["Gem som svar"]]
    [lunch] = await bot.ask(KAREN, "hvornår er der frokost")
    assert "12.15" in lunch.text
    conversation = await bot.services.cases.conversation(1)
    assert [(e.author, e.author_name) for e in conversation] == [
        ("participant", "Karen Holm"),
        ("participant", "Karen Holm"),
        ("staff", "Anne Dahl"),
    ]


async def test_quiet_time_hands_the_participant_back_to_the_bot(staffed: Staffed) -> None:
    bot = staffed
    quiet = timedelta(minutes=bot.settings.case_quiet_minutes + 1)
    post = await bot.open_case(KAREN)
    await bot.staff_press(post, "Tag sagen")
    await bot.said(KAREN)
    bot.clock.at += quiet
    bot.services.cases.wakeup.set()  # as the desk's periodic look would, without the wait
    [handed_back] = await bot.said(KAREN)
    assert "svarer jeg dig selv igen" in handed_back.text
    [lunch] = await bot.ask(KAREN, "hvornår er der frokost")
    assert "12.15" in lunch.text
    case = await bot.services.cases.get(1)
    assert case is not None and case.status == "taken" and case.muted_until is None

    # Another participant writes after the quiet time, before the desk looked: told at once.
    post = await bot.open_case(OLE)
    await bot.staff_press(post, "Tag sagen")
    await bot.said(OLE)
    bot.clock.at += quiet
    bot.api.send_text(OLE, "hvornår er der frokost")
    replies = {m.text for m in await bot.said(OLE, count=2)}  # the two may cross
    assert any("svarer jeg dig selv igen" in text for text in replies)
    assert any("12.15" in text for text in replies)
    assert len(await bot.services.cases.open_cases()) == 2  # both still with staff


async def test_saved_answer_answers_the_next_participant_without_a_case(staffed: Staffed) -> None:
    bot = staffed
    post = await bot.open_case(KAREN)
    assert "intet svar at gemme" in await bot.staff_press(post, "Gem som svar")  # not answered yet
    await bot.staff_says(STAFF_ANSWER, reply_to=post)
    await bot.said(KAREN)
    assert "Gemt" in await bot.staff_press(post, "Gem som svar")
    # The rewording is not in the files: only what staff taught can answer it.
    curated = Answerer(bot.services.curated).answer(REWORDED, TEMADAG, "da", bot.clock())
    assert curated.escalate

    await bot.ask(OLE, f"/start {TEMADAG}")
    [answer] = await bot.ask(OLE, REWORDED)
    assert STAFF_ANSWER in answer.text
    assert [c.id for c in await bot.services.cases.open_cases()] == [1]


async def test_a_restart_keeps_the_case_who_took_it_and_the_muting(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = staff_settings(tmp_path, bot_api)
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    async with bot_running(bot_api, settings, clock) as bot:
        post = await bot.open_case(KAREN, first_name="Karen")
        await bot.staff_press(post, "Tag sagen")
        await bot.said(KAREN)

    async with bot_running(bot_api, settings, clock) as bot:  # a new process, the same database
        case = await bot.services.cases.get(1)
        assert case is not None and case.taken_by == "Anne Dahl" and case.muted_until is not None
        [note] = await bot.ask(KAREN, "Er der nyt?")
        assert "givet din besked videre" in note.text
        followup = await bot.posted()
        assert followup.message["reply_to_message"]["message_id"] == post.message_id
        await bot.staff_says(STAFF_ANSWER, reply_to=post)
        [relayed] = await bot.said(KAREN)
        assert STAFF_ANSWER in relayed.text


# -- staff commands -------------------------------------------------------------------------------


def knowledge_with_small_day(tmp_path: Path) -> Path:
    """The real knowledge plus a day of two seats (31 May 2024, deadline 1 May)."""
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    (folder / "lille.yaml").write_text(
        "id: lille-dag\nkind: event\nsource: {file: x.txt}\ntitle: Den lille temadag\n"
        "organiser: Sekretariatet\nstart: 2024-05-31 11:00\nend: 2024-05-31 14:00\n"
        "registration: {deadline: 2024-05-01, capacity: 2}\n",
        encoding="utf-8",
    )
    return folder


async def register_people(services: Services, clock: Clock) -> None:
    """Seats for 701 (Telegram) and ib@ (e-mail); 702 cancelled; 703 and eva@ waiting; others
    registered for another event."""
    small, temadag = services.kb.event("lille-dag"), services.kb.event(TEMADAG)
    assert small is not None and temadag is not None
    at = clock()

    async def signup(event: Event, name: str, telegram_id: int | None = None) -> None:
        form = SignupForm(name, f"{name.split()[0].lower()}@example.dk", "Handicaprådet")
        chat = None if telegram_id is None else ChatId("telegram", str(telegram_id))
        await services.registrations.signup(
            event, form, channel=chat.kind if chat else "email", now=at, chat=chat
        )

    await signup(small, "Tove", 702)
    await services.registrations.cancel(
        small, Identity(chat=ChatId("telegram", "702")), channel="telegram", now=at
    )
    await signup(small, "Anna Berg", 701)
    await signup(small, "Ib Skov")
    await signup(small, "Bo", 703)
    await signup(small, "Eva")
    await signup(temadag, "Per")
    await signup(temadag, "Lis", 704)


async def test_staff_commands_cases_participants_status_and_a_message_to_everyone(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = staff_settings(tmp_path, bot_api, knowledge_dir=knowledge_with_small_day(tmp_path))
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    async with bot_running(bot_api, settings, clock) as bot:
        await register_people(bot.services, clock)
        await bot.open_case(KAREN)

        cases = await bot.staff_says("/sager")
        assert "Åbne sager: 1" in cases.text and COMPANION in cases.text

        listing = await bot.staff_says("/deltagere lille-dag")
        assert listing.file is not None and listing.file.filename == "deltagere-lille-dag.csv"
        rows = list(
            csv.reader(io.StringIO(listing.file.content.decode("utf-8-sig")), delimiter=";")
        )
        names = [row[2] for row in rows[1:]]
        assert names == ["Anna Berg", "Ib Skov", "Bo", "Eva"]  # seats, then the waiting list
        assert "Tilmeldinger til Den lille temadag: 4" in (listing.text or "")

        asked = await bot.staff_says(
            "/besked lille-dag Vi er flyttet til sal 2.\nKaffen står klar."
        )
        # Asked once more before it goes: a message to everyone cannot be called back.
        assert asked.text.startswith("Skal denne besked sendes til de 2 tilmeldte til Den lille")
        assert "Besked om Den lille temadag:\n\nVi er flyttet til sal 2." in asked.text
        async with bot.services.db.session() as session:
            assert not list(await session.scalars(select(OutboxMail)))
        await bot.staff_press(asked, "Send")
        done = await bot.posted()
        assert "(2): 1 på Telegram og 1 på e-mail" in done.text
        [message] = await bot.said(701)
        assert message.text == (
            "Besked om Den lille temadag:\n\nVi er flyttet til sal 2.\nKaffen står klar."
        )
        async with bot.services.db.session() as session:
            mails = list(await session.scalars(select(OutboxMail)))
        assert [m.to_address for m in mails] == ["ib@example.dk"]
        assert "Vi er flyttet til sal 2." in mails[0].body

        status = await bot.staff_says("/status")
        lines = status.text.splitlines()
        # Anna's message may be sent and not yet marked so: the chat count is 0 or 1.
        assert lines[3] in [f"Chatbeskeder, der venter på at blive sendt: {n}" for n in (0, 1)]
        assert lines[:3] + lines[4:] == [
            "Sådan går det med botten",
            "Postkasse: ikke sat op",
            "E-mails, der venter på at blive sendt: 1",
            "Åbne sager: 1 (1 er ikke taget endnu)",
        ]
        await bot_api.wait_idle()
        assert not any(bot_api.sent(chat) for chat in (702, 703, 704))


async def test_staff_commands_explain_themselves_and_the_staff_chat_is_no_participant(
    staffed: Staffed,
) -> None:
    bot = staffed
    usage = await bot.staff_says("/besked")
    assert "Skriv /besked" in usage.text and TEMADAG in usage.text
    unknown = await bot.staff_says("/besked ukendt-dag Hej")
    assert "kender ikke arrangementet ukendt-dag" in unknown.text
    no_text = await bot.staff_says(f"/besked {TEMADAG}")
    assert "Skriv /besked" in no_text.text
    # Staff change their mind: nothing is sent.
    asked = await bot.staff_says(f"/besked {TEMADAG} Forkert besked")
    await bot.staff_press(asked, "Send ikke")
    assert (await bot.posted()).text == "OK, beskeden er ikke sendt."
    async with bot.services.db.session() as session:
        assert not [
            r for r in await session.scalars(select(ChatOutboxMessage)) if r.kind == "broadcast"
        ]
    assert "Skriv /deltagere" in (await bot.staff_says("/deltagere")).text
    assert "kender ikke" in (await bot.staff_says("/deltagere ukendt-dag")).text
    help_text = (await bot.staff_says("/hjaelp")).text or ""
    assert "/sager" in help_text and "svare på sagens besked" in help_text

    # Staff talking among themselves: no answer, no case.
    before = len(bot.api.sent(STAFF_CHAT))
    bot.api.send_text(STAFF_CHAT, "Hvornår er der frokost?", user_id=ANNE)
    bot.api.send_text(STAFF_CHAT, "Er der parkering?", user_id=ANNE)
    await bot.api.wait_idle()
    assert len(bot.api.sent(STAFF_CHAT)) == before
    assert await bot.services.cases.open_cases() == []


# -- who is staff ---------------------------------------------------------------------------------


async def test_nobody_else_can_use_staff_commands_or_buttons(
    staffed: Staffed, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = staffed
    await bot.open_case(KAREN)
    [welcome] = await bot.ask(OUTSIDER, f"/start {TEMADAG}", first_name="Svend")
    for command in ("/sager", "/deltagere " + TEMADAG, "/status", f"/besked {TEMADAG} Hej"):
        [refused] = await bot.ask(OUTSIDER, command)
        assert refused.text == REFUSED, command
    # Staff asked to send a message; an outsider pressing "send" (forged) is refused.
    asked = await bot.staff_says(f"/besked {TEMADAG} Hej alle")
    assert "Skal denne besked sendes" in asked.text
    answer = await bot.press_as(OUTSIDER, OUTSIDER, welcome, "bc:send", forged=True)
    assert answer == REFUSED
    for action in ("take", "close", "teach"):
        answer = await bot.press_as(OUTSIDER, OUTSIDER, welcome, f"case:{action}:1", forged=True)
        assert answer == REFUSED

    case = await bot.services.cases.get(1)
    assert case is not None and case.status == "new" and case.taken_by is None
    async with bot.services.db.session() as session:
        assert not list(await session.scalars(select(OutboxMail)))
        assert not list(await session.scalars(select(ChatOutboxMessage)))
        assert not list(await session.scalars(select(LearnedAnswer)))
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 8 and all(r.levelno == logging.WARNING for r in refusals)
    ours = [r for r in caplog.records if r.name.startswith("bot") and r.levelno >= logging.INFO]
    assert not any(str(OUTSIDER) in r.getMessage() or "Svend" in r.getMessage() for r in ours)


async def test_listed_staff_and_staff_chat_members_may_use_them_privately(
    staffed: Staffed,
) -> None:
    bot = staffed
    post = await bot.open_case(KAREN)
    [listed] = await bot.ask(LISTED, "/sager")
    assert "Åbne sager: 1" in listed.text
    bot.api.set_member(STAFF_CHAT, MEMBER, "member")
    [member] = await bot.ask(MEMBER, "/sager")
    assert "Åbne sager: 1" in member.text
    bot.api.set_member(STAFF_CHAT, 903, "administrator")
    [admin] = await bot.ask(903, "/status")
    assert "Postkasse" in admin.text
    bot.api.set_member(STAFF_CHAT, 904, "kicked")
    [kicked] = await bot.ask(904, "/sager")
    assert kicked.text == REFUSED

    # A member acts on a case from their own chat (here with the case's own button data).
    answer = await bot.press_as(
        MEMBER, MEMBER, member, post.button_data("Tag sagen"), forged=True, first_name="Mads"
    )
    assert "Du har taget sag #1" in answer
    await bot.redrawn(post, "Taget af Mads")


async def test_serve_shows_cases_in_the_staff_chat_and_its_own_menu(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    services = await Services.start(staff_settings(tmp_path, bot_api))
    stop = asyncio.Event()
    # As ``python -m bot run`` does: the channel, and the desk beside it.
    running = [
        asyncio.create_task(serve(services, stop)),
        asyncio.create_task(services.desk.run(stop)),
    ]
    try:
        await bot_api.wait_for_call("getUpdates")
        menus = bot_api.commands()
        assert list(menus[(f"chat:{STAFF_CHAT}", "")]) == [
            "sager",
            "deltagere",
            "behov",
            "ordnet",
            "status",
            "besked",
            "aendringer",
        ]
        assert "sager" not in menus[("default", "")]
        bot_api.send_text(KAREN, f"/start {TEMADAG}")
        bot_api.send_text(KAREN, COMPANION)
        [post] = await bot_api.wait_for_sent(STAFF_CHAT)
        assert COMPANION in (post.text or "")
        bot_api.press_button(
            STAFF_CHAT, post.message_id, post.button_data("Tag sagen"), user_id=ANNE
        )
        told = await bot_api.wait_for_sent(KAREN, count=3)  # welcome, handed over, taken
        assert "ser nu på dit spørgsmål" in (told[-1].text or "")
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*running), timeout=10)
        await services.close()


# -- the board alone ------------------------------------------------------------------------------


async def test_the_board_fits_long_questions_and_shrugs_at_repeated_or_lost_redraws(
    bot_api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    services = await Services.start(staff_settings(tmp_path, bot_api))
    try:
        case = await services.cases.open(
            channel="email",
            chat_id="karen@example.dk",
            email="karen@example.dk",
            question="Kan jeg parkere? " + "Jeg har en lang forklaring. " * 400,
            lang="da",
            now=parse_aware("2024-04-01T10:00:00+02:00"),
            event=TEMADAG,
        )
        async with TgBot(TOKEN, base_url=bot_api.base_url) as telegram:
            board = staff_board(telegram, services)
            assert board is not None
            ref = await board.post(case)
            [post] = bot_api.sent(STAFF_CHAT)
            assert len(post.text or "") <= 4096 and (post.text or "").count("…") == 1
            assert "Svar på denne besked" in (post.text or "")  # the end is kept
            await board.redraw(case, ref)  # already shows it: "not modified" is no error
            await telegram.delete_message(STAFF_CHAT, int(ref))
            await board.redraw(case, ref)  # staff deleted the post: logged, no error
            assert "post of case 1 is gone" in caplog.text
    finally:
        await services.close()
