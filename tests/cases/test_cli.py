"""``python -m bot cases``: staff cases from the command line, as the staff chat handles them.

Each command runs through ``bot.cli.main`` (in a thread, as it starts its own event loop, as a
separate process would) on a real database that the test's own ``Services`` share: cases are
opened through the real case service, and what the participant is told is read from the chat
outbox and the mail outbox, where the running bot's senders would find it.
"""

from __future__ import annotations

import asyncio
import getpass
import io
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cases import CaseInfo, StaffMember
from bot.cases.staff import StaffDesk
from bot.changes.watch import KnowledgeWatch
from bot.channels.mail.models import OutboxMail
from bot.cli import main
from bot.clock import now, parse_aware
from bot.delivery import Thread
from bot.delivery.models import ChatOutboxMessage
from bot.services import Services
from bot.settings import Settings
from tests.conftest import postgres_schema
from tests.mail.conftest import until

TEMADAG = "handicapraad-temadag-2024"
TITLE = "Temadag for Handicaprådene i Nordjylland – 2024"
# A time the temadag's questions are answered at (the day is still to come).
ASKED = parse_aware("2024-04-02T09:00:00+02:00")
QUESTION = "Kan man parkere gratis ved hallen?"
ANSWER = "Ja, der er gratis parkering lige ved hallen."
ANNE = StaffMember("telegram:900", "Anne Sekretær")


def use_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str) -> None:
    """The settings of the bot and of the command: one database, Telegram and e-mail on."""
    for name in ("BOT_CONFIG_FILE", "BOT_STAFF_CHAT_ID", "BOT_STAFF_EMAIL", "BOT_IMAP_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BOT_DEFAULT_LANGUAGE", "da")
    # The couriers the running bot has: the command queues on the participant's channel.
    monkeypatch.setenv("BOT_TELEGRAM_TOKEN", "123:not-used")
    monkeypatch.setenv("BOT_SMTP_HOST", "smtp.invalid")
    monkeypatch.setenv("BOT_MAIL_FROM", "bot@kl.dk")


@pytest.fixture
async def bot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Services]:
    """The running bot's services on a fresh SQLite database."""
    use_database(monkeypatch, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    services = await Services.start(Settings())
    yield services
    await services.close()


async def cases_cli(*args: str) -> int:
    """``python -m bot cases ARGS``; its exit status."""
    return await asyncio.to_thread(main, ["cases", *args])


async def telegram_case(
    bot: Services, question: str = QUESTION, *, ago: timedelta = timedelta(hours=3)
) -> CaseInfo:
    return await bot.cases.open(
        channel="telegram",
        chat_id=4711,
        user_id=4711,
        name="Karen Holm",
        question=question,
        lang="da",
        now=now() - ago,
        event=TEMADAG,
    )


async def email_case(bot: Services, *, ago: timedelta = timedelta(minutes=5)) -> CaseInfo:
    return await bot.cases.open(
        channel="email",
        chat_id="bo@jammerbugt.dk",
        email="bo@jammerbugt.dk",
        name="Bo Nielsen",
        question="Må min førerhund komme med?",
        lang="da",
        now=now() - ago,
        thread=Thread("<q1@jammerbugt.dk>", (), "Førerhund"),
    )


async def chat_outbox(bot: Services) -> list[ChatOutboxMessage]:
    async with bot.db.session() as session:
        rows = await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id))
        return list(rows)


async def mail_outbox(bot: Services) -> list[OutboxMail]:
    async with bot.db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


# -- list and show ---------------------------------------------------------------------------


async def test_list_shows_the_open_cases_newest_first(
    bot: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cases_cli("list") == 0
    assert capsys.readouterr().out == "Der er ingen åbne sager.\n"
    long = "Hej\nKan man parkere gratis ved hallen, og hvor langt er der fra parkeringen til salen?"
    first = await telegram_case(bot, long)
    second = await email_case(bot)
    closed = await telegram_case(bot, "Hvornår starter dagen?", ago=timedelta(days=3))
    await bot.cases.close(closed.id, ANNE, now())
    await bot.cases.answer(first.id, ANNE, ANSWER, now())

    assert await cases_cli("list") == 0
    out = lines(capsys.readouterr().out)
    assert out == [
        "Åbne sager: 2",
        "Sag Status Arrangement Kanal Alder Spørgsmål",
        "#2 Ny, ikke taget – e-mail 5 min Må min førerhund komme med?",
        f"#1 Besvaret af Anne Sekretær {TEMADAG} Telegram 3 t "
        "Hej Kan man parkere gratis ved hallen, og hvor langt er der…",
    ]
    assert await cases_cli("list", "--all") == 0
    out = lines(capsys.readouterr().out)
    assert out[0] == "Sager: 3" and [line.split()[0] for line in out[2:]] == ["#2", "#1", "#3"]
    assert out[4].startswith("#3 Løst og lukket") and " 3 d " in out[4]
    assert await cases_cli("list", "--event", TEMADAG) == 0
    assert [line.split()[0] for line in lines(capsys.readouterr().out)[2:]] == [f"#{first.id}"]
    assert second.event is None


async def test_list_of_an_event(bot: Services, capsys: pytest.CaptureFixture[str]) -> None:
    await email_case(bot)
    assert await cases_cli("list", "--event", TEMADAG) == 0  # known, nothing open
    assert capsys.readouterr().out == "Der er ingen åbne sager.\n"
    assert await cases_cli("list", "--event", "findes-ikke") == 1
    assert capsys.readouterr().err == "Jeg kender ikke arrangementet findes-ikke.\n"


async def test_show_gives_the_case_and_its_conversation_in_copenhagen_time(
    bot: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = parse_aware("2024-04-02T07:00:00+00:00")  # 09.00 in Copenhagen (summer time)
    case = await bot.cases.open(
        channel="telegram",
        chat_id=4711,
        user_id=4711,
        name="Karen Holm",
        question=QUESTION,
        lang="da",
        now=asked,
        event=TEMADAG,
    )
    await bot.cases.take(case.id, ANNE, asked + timedelta(minutes=5))
    await bot.cases.add_participant_message(
        case.id, "Jeg kommer i bil\nmed en kørestol.", asked + timedelta(minutes=10)
    )
    await bot.cases.answer(case.id, ANNE, ANSWER, asked + timedelta(minutes=20))
    await bot.teach(case.id, ANNE, asked + timedelta(minutes=21))

    assert await cases_cli("show", f"#{case.id}") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Sag #{case.id} · Besvaret af Anne Sekretær",
        "Fra: Karen Holm",
        f"Arrangement: {TITLE} ({TEMADAG})",
        "Kanal: Telegram · tirsdag den 2. april 2024 kl. 09.00",
        "",
        "Samtalen:",
        "2024-04-02 09:00  Karen Holm (deltager)",
        f"    {QUESTION}",
        "2024-04-02 09:10  Karen Holm (deltager)",
        "    Jeg kommer i bil",
        "    med en kørestol.",
        "2024-04-02 09:20  Anne Sekretær (sekretariatet)",
        f"    {ANSWER}",
        "2024-04-02 09:21  Anne Sekretær gemte svaret som bottens svar.",
        "",
        f'Svar deltageren: python -m bot cases answer {case.id} "dit svar"',
    ]
    await bot.cases.close(case.id, ANNE, asked + timedelta(hours=1))
    assert await cases_cli("show", str(case.id)) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == f"Sag #{case.id} · Løst og lukket" and "python -m bot" not in shown[-1]


# -- answer, close, teach --------------------------------------------------------------------


async def test_answer_relays_to_the_participants_chat_and_takes_the_case(
    bot: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    case = await telegram_case(bot)
    assert await cases_cli("answer", str(case.id), ANSWER) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Dit svar i sag #{case.id} er sendt til deltageren.",
        "Botten sender det, mens den kører; kører den ikke nu, sendes det, når den startes.",
    ]
    [relay] = await chat_outbox(bot)
    assert (relay.chat_id, relay.kind, relay.status) == ("4711", "relay", "pending")
    assert relay.text == f"Svar fra sekretariatet:\n\n{ANSWER}"
    answered = await bot.cases.get(case.id)
    assert answered is not None and answered.status == "answered"
    assert answered.taken_by == getpass.getuser()  # nobody had it: now the login name has it
    assert answered.muted_until is not None  # the bot keeps quiet for Karen, as from the chat
    # Words without quotes are one answer; --as names who answers; the case stays with its taker.
    assert await cases_cli("answer", str(case.id), "Vi", "ses", "der!", "--as", "Bo") == 0
    capsys.readouterr()
    later = await chat_outbox(bot)
    assert later[-1].text.endswith("\n\nVi ses der!")
    entries = await bot.cases.conversation(case.id)
    assert [(e.author, e.author_name) for e in entries][-1] == ("staff", "Bo")
    again = await bot.cases.get(case.id)
    assert again is not None and again.taken_by == getpass.getuser()


async def test_answer_from_standard_input_reaches_an_email_participant_in_their_thread(
    bot: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = await email_case(bot)
    monkeypatch.setattr(sys, "stdin", io.StringIO("Ja, førerhunde er velkomne.\n\nMvh Anne\n"))
    assert await cases_cli("answer", str(case.id), "-", "--as", "Anne") == 0
    assert capsys.readouterr().out.startswith(f"Dit svar i sag #{case.id} er sendt")
    [mail] = await mail_outbox(bot)
    assert mail.to_address == "bo@jammerbugt.dk"
    assert mail.headers.get("In-Reply-To") == "<q1@jammerbugt.dk>"
    assert "Ja, førerhunde er velkomne.\n\nMvh Anne" in mail.body
    answered = await bot.cases.get(case.id)
    assert answered is not None and answered.taken_by == "Anne"
    # The text from standard input also when no text is given at all.
    monkeypatch.setattr(sys, "stdin", io.StringIO("Og til frokost også."))
    assert await cases_cli("answer", str(case.id)) == 0
    assert "Og til frokost også." in (await mail_outbox(bot))[-1].body


async def test_close_hands_the_participant_back_to_the_bot(
    bot: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    case = await telegram_case(bot)
    await bot.cases.take(case.id, ANNE, now())
    assert await cases_cli("close", str(case.id)) == 0
    assert capsys.readouterr().out == (
        f"Sag #{case.id} er lukket. Botten svarer deltageren igen.\n"
    )
    closed = await bot.cases.get(case.id)
    assert closed is not None and closed.status == "closed"
    assert [m.kind for m in await chat_outbox(bot)] == ["taken", "handback"]
    assert await bot.cases.muted_case("telegram", 4711, now()) is None
    assert await cases_cli("list") == 0
    assert capsys.readouterr().out == "Der er ingen åbne sager.\n"


async def test_teach_makes_the_bot_answer_the_next_person_also_in_the_running_bot(
    bot: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bot.answerer.answer(QUESTION, TEMADAG, "da", ASKED).escalate
    case = await telegram_case(bot)
    watch = KnowledgeWatch(bot, clock=lambda: ASKED)
    await watch.step()
    assert await cases_cli("answer", str(case.id), ANSWER) == 0
    assert await cases_cli("teach", str(case.id)) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Gemt: botten svarer nu selv på dette spørgsmål."
    )
    # Taught in another process: the running bot does not know it yet ...
    assert bot.answerer.answer(QUESTION, TEMADAG, "da", ASKED).escalate
    # ... until its knowledge watch next looks, which it does every half minute.
    await watch.step()
    reworded = bot.answerer.answer("er der gratis parkering ved hallen", TEMADAG, "da", ASKED)
    assert not reworded.escalate and ANSWER in reworded.text
    assert await watch.learned_elsewhere() is False  # applied once
    # A bot started afterwards knows it from the start.
    fresh = await Services.start(Settings())
    try:
        assert ANSWER in fresh.answerer.answer(QUESTION, TEMADAG, "da", ASKED).text
    finally:
        await fresh.close()


async def test_an_answer_from_the_command_line_mutes_the_chat_in_the_running_bot(
    bot: Services,
) -> None:
    case = await telegram_case(bot)
    assert await bot.cases.muted_case("telegram", 4711, now()) is None  # the bot answers Karen
    assert await cases_cli("answer", str(case.id), ANSWER) == 0
    # The staff desk's next round (every minute, or on a change here) reads the muting.
    desk, stop = StaffDesk(bot.cases, poll_seconds=0.05), asyncio.Event()

    async def is_muted() -> bool:
        return await bot.cases.muted_case("telegram", 4711, now()) is not None

    running = asyncio.create_task(desk.run(stop))
    try:
        await until(is_muted, what="the chat muted in the running bot")
    finally:
        stop.set()
        await running
    muted = await bot.cases.muted_case("telegram", 4711, now())
    assert muted is not None and muted.id == case.id


# -- what cannot be done ---------------------------------------------------------------------


async def test_bad_input_gets_one_sentence_and_a_failing_exit(
    bot: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = await telegram_case(bot)
    no_event = await bot.cases.open(
        channel="telegram", chat_id=5, question="Hvad?", lang="da", now=now()
    )
    for args in (
        ("show", "99"),
        ("answer", "99", "Hej"),
        ("close", "99"),
        ("teach", "99"),
        ("show", "99999999999"),  # more than the database's integer holds
        ("answer", "-7", "Hej"),
    ):
        assert await cases_cli(*args) == 1, args
        assert capsys.readouterr() == ("", f"Der er ingen sag #{args[1]}.\n")
    assert await cases_cli("teach", str(case.id)) == 1
    assert capsys.readouterr().err == (
        f"Sag #{case.id} har endnu intet svar at gemme. Svar på den først.\n"
    )
    await bot.cases.answer(no_event.id, ANNE, "Sådan.", now())
    assert await cases_cli("teach", str(no_event.id)) == 1
    assert capsys.readouterr().err == (
        f"Sag #{no_event.id} handler ikke om et kendt arrangement, så svaret kan ikke gemmes "
        "til et.\n"
    )
    empty = "Der er intet svar at sende. Skriv det efter sagens nummer eller på standardinput.\n"
    assert await cases_cli("answer", str(case.id), "  ") == 1
    assert capsys.readouterr().err == empty
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n \n"))
    assert await cases_cli("answer", str(case.id)) == 1
    assert capsys.readouterr().err == empty
    await bot.cases.close(case.id, ANNE, now())
    for args in (("answer", str(case.id), "Hej"), ("close", str(case.id))):
        assert await cases_cli(*args) == 1
        assert capsys.readouterr().err == f"Sag #{case.id} er allerede lukket.\n"
    assert [m.chat_id for m in await chat_outbox(bot)] == ["5"]  # nothing reached Karen
    with pytest.raises(SystemExit) as usage:
        await cases_cli("show", "sag")
    assert usage.value.code == 2
    assert "sag er ikke et sagsnummer." in capsys.readouterr().err


async def test_an_answer_the_command_cannot_relay_is_refused(
    bot: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    case = await bot.cases.open(
        channel="sms", chat_id="+4512345678", question="Hvor er det?", lang="da", now=now()
    )
    assert await cases_cli("answer", str(case.id), "I Aalborg.") == 1
    assert capsys.readouterr().err == (
        "Deltageren skriver på sms, som ikke er sat op, hvor kommandoen kører, så intet blev "
        "sendt. Kør kommandoen med bottens egne indstillinger.\n"
    )
    unchanged = await bot.cases.get(case.id)
    assert unchanged is not None and (unchanged.status, unchanged.answer) == ("new", None)


async def test_the_command_speaks_the_default_language(
    bot: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_DEFAULT_LANGUAGE", "en")
    case = await telegram_case(bot)
    assert await cases_cli("list") == 0
    out = lines(capsys.readouterr().out)
    assert out[:2] == ["Open cases: 1", "Case Status Event Channel Age Question"]
    assert out[2].startswith(f"#{case.id} New, not taken {TEMADAG} Telegram 3 h ")
    assert await cases_cli("close", "42") == 1
    assert capsys.readouterr().err == "There is no case #42.\n"


async def test_the_command_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with postgres_schema("cases_cli") as (url, schema):
        use_database(monkeypatch, tmp_path, url)
        monkeypatch.setenv("BOT_DATABASE_SCHEMA", schema)
        bot = await Services.start(Settings())
        try:
            case = await telegram_case(bot)
            assert await cases_cli("list") == 0
            assert f"#{case.id} Ny, ikke taget" in " ".join(capsys.readouterr().out.split())
            assert await cases_cli("answer", str(case.id), ANSWER, "--as", "Anne") == 0
            assert await cases_cli("teach", str(case.id)) == 0
            assert await cases_cli("close", str(case.id)) == 0
            assert await cases_cli("show", "99999999999") == 1
            capsys.readouterr()
            assert [m.kind for m in await chat_outbox(bot)] == ["relay", "handback"]
            assert await KnowledgeWatch(bot).learned_elsewhere()
            assert ANSWER in bot.answerer.answer(QUESTION, TEMADAG, "da", ASKED).text
        finally:
            await bot.close()
