"""The Telegram bot end to end: the real Application over HTTP against the fake Bot API server.

Each test runs the bot exactly as ``python -m bot run`` builds it (handlers, rate limiter,
per-chat ordering, error handler), on a fresh SQLite database with the real knowledge base, and
talks to it only through Telegram updates. The clock is controlled, so deadlines are testable.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.cases.models import Case
from bot.channels.telegram.app import build_application, serve
from bot.channels.telegram.webhook import receive
from bot.clock import parse_aware
from bot.registrations.identity import ChatId, Identity
from bot.services import Services
from tests.conftest import free_port, one_seat
from tests.telegram.fake_bot_api import FakeBotAPI, post_update_to, run_polling
from tests.telegram.helpers import FAST, TEMADAG, VISION, Bot, Clock, settings_for


async def test_start_without_deep_link_offers_events_and_a_button_chooses(running: Bot) -> None:
    [welcome] = await running.ask(1, "/start")
    assert "Velkommen" in welcome.text and "Hvilket arrangement" in welcome.text
    labels = [label for row in welcome.buttons for label in row]
    assert labels[0].startswith("Temadag for Handicaprådene")  # the coming event first
    [chosen] = await running.press(1, welcome, labels[0])
    assert "Nu taler vi om Temadag for Handicaprådene" in chosen.text
    [answer] = await running.ask(1, "hvornår er der frokost")
    assert "12.15" in answer.text


async def test_deep_link_opens_the_chat_on_the_event(running: Bot) -> None:
    [welcome] = await running.ask(2, f"/start {VISION}")
    assert "Politisk visionsdag" in welcome.text and "/tilmeld" in welcome.text
    [answer] = await running.ask(2, "Hvem er ordstyrer for session 2?")
    assert "Randi Riis Michelsen" in answer.text
    # The source event is named, set apart in italics; the message is HTML.
    assert answer.text.endswith("\n\n<i>Politisk visionsdag om Nordjysk Socialaftale 2021-2022</i>")
    assert answer.params["parse_mode"] == "HTML"


async def test_answers_are_escaped_html_and_never_echo_markup(running: Bot) -> None:
    await running.ask(3, f"/start {TEMADAG}")
    [answer] = await running.ask(3, "<b>hvornår</b> er der frokost? <script>x</script>")
    assert "12.15" in answer.text
    assert "<b>" not in answer.text and "script" not in answer.text
    [odd] = await running.ask(3, "Hvad betyder <b>&amp; & < > i teksten?")
    assert "<b>" not in odd.text and "& " not in odd.text  # escaped, never echoed as markup


async def test_question_escalated_is_recorded_as_a_case(running: Bot) -> None:
    await running.ask(4, f"/start {TEMADAG}")
    [answer] = await running.ask(4, "Er der teleslynge i salen?")
    assert "sekretariatet" in answer.text
    async with running.services.db.session() as session:
        cases = list(await session.scalars(select(Case)))
    assert len(cases) == 1
    assert cases[0].chat_id == "4" and cases[0].event_slug == TEMADAG
    assert cases[0].question == "Er der teleslynge i salen?" and cases[0].status == "new"


async def test_whole_signup_with_a_session_choice_and_a_bad_email(running: Bot) -> None:
    running.clock.at = parse_aware("2020-01-20T10:00:00+01:00")
    await running.ask(5, f"/start {VISION}")
    [ask_name] = await running.ask(5, "/tilmeld")
    assert "Hvad er dit navn?" in ask_name.text
    [ask_email] = await running.ask(5, "Karen Holm")
    assert "e-mailadresse" in ask_email.text
    [again] = await running.ask(5, "karen at jammerbugt")
    assert "ligner ikke en e-mailadresse" in again.text and "e-mailadresse" in again.text
    [ask_org] = await running.ask(5, "Karen.Holm@Jammerbugt.dk")
    assert "organisation" in ask_org.text
    [ask_session] = await running.ask(5, "Handicaprådet, Jammerbugt Kommune")
    assert ask_session.buttons == [
        ["1. Den gode alderdom"],
        ["2. Socialpsykiatri"],
        ["3. Bedre og billigere pladser"],
    ]
    [ask_needs] = await running.press(5, ask_session, "2. Socialpsykiatri")
    assert "behov" in ask_needs.text
    [summary] = await running.ask(5, "Jeg kommer i kørestol")
    assert "karen.holm@jammerbugt.dk" in summary.text and "Socialpsykiatri" in summary.text
    running.api.press_button(5, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    confirmation, calendar = await running.said(5, count=2)
    assert (
        "Du er tilmeldt" in confirmation.text and "mandag den 3. februar 2020" in confirmation.text
    )
    assert calendar.file is not None and calendar.file.filename.endswith(".ics")
    assert b"TZID=Europe/Copenhagen" in calendar.file.content
    mine = await running.services.registrations.registrations_of(
        Identity(email="karen.holm@jammerbugt.dk"), now=running.clock()
    )
    assert [(r.event_slug, r.session_key, r.needs, r.chat) for r in mine] == [
        (VISION, "2", "Jeg kommer i kørestol", ChatId("telegram", "5"))
    ]


async def sign_up(bot: Bot, chat: int, email: str) -> None:
    await bot.ask(chat, f"/start {TEMADAG}")
    await bot.ask(chat, "jeg vil gerne tilmelde mig")
    await bot.ask(chat, "Jens Poulsen")
    await bot.ask(chat, email)
    await bot.ask(chat, "Vesthimmerland Kommune")
    [summary] = await bot.ask(chat, "-")
    bot.api.press_button(chat, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    await bot.said(chat, count=3)  # the confirmation, the calendar file, the check-in code


async def test_free_text_signup_then_mine_then_cancel(running: Bot) -> None:
    await sign_up(running, 6, "jp@vesthimmerland.dk")
    [mine] = await running.ask(6, "/mine")
    assert "Temadag for Handicaprådene" in mine.text and "31. maj 2024" in mine.text
    [question] = await running.ask(6, "/afmeld")
    assert "afmelde" in question.text.casefold() or "melde" in question.text.casefold()
    [done] = await running.press(6, question, "Ja, afmeld mig")
    assert "afmeldt" in done.text
    [mine] = await running.ask(6, "/mine")
    assert "ikke tilmeldt" in mine.text


async def test_am_i_registered_in_words_looks_it_up_and_opens_no_case(running: Bot) -> None:
    await sign_up(running, 8, "ap@vesthimmerland.dk")
    [mine] = await running.ask(8, "er jeg egentlig tilmeldt?")
    assert "Temadag for Handicaprådene" in mine.text and "31. maj 2024" in mine.text
    async with running.services.db.session() as session:
        assert list(await session.scalars(select(Case))) == []


async def test_signup_after_the_deadline_is_refused_with_the_deadline(running: Bot) -> None:
    running.clock.at = parse_aware("2024-04-20T09:00:00+02:00")
    await running.ask(7, f"/start {TEMADAG}")
    [answer] = await running.ask(7, "/tilmeld")
    assert "12. april 2024" in answer.text
    [again] = await running.ask(7, "Karen Holm")  # not inside a dialogue: a question
    assert "navn" not in again.text


async def test_english_from_the_telegram_language_and_from_sprog(running: Bot) -> None:
    [welcome] = await running.ask(8, f"/start {TEMADAG}", language_code="en")
    assert "Welcome" in welcome.text
    [answer] = await running.ask(8, "When is lunch?", language_code="en")
    assert "12:15" in answer.text
    [offer] = await running.ask(9, "/sprog", language_code="da")
    [switched] = await running.press(9, offer, "English")
    assert "English" in switched.text
    await running.ask(9, f"/start {TEMADAG}", language_code="da")
    [answer] = await running.ask(9, "hvornår slutter det", language_code="da")
    assert "The day ends at 14:30" in answer.text


async def test_serve_publishes_the_menus_and_answers_until_stopped(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    services = await Services.start(settings_for(tmp_path, bot_api))
    stop = asyncio.Event()
    running = asyncio.create_task(serve(services, stop))
    try:
        await bot_api.wait_for_call("getUpdates")
        menus = bot_api.commands()
        assert list(menus[("default", "da")]) == [
            "program",
            "tilmeld",
            "afmeld",
            "mine",
            "sprog",
            "hjaelp",
            "annuller",
            "mine_data",
            "slet_mig",
        ]
        assert menus[("default", "en")]["signup"] == "Sign up"
        assert menus[("default", "")]["tilmeld"] == "Tilmeld dig"  # Danish for everyone else
        bot_api.send_text(30, f"/start {TEMADAG}")
        [welcome] = await bot_api.wait_for_sent(30)
        assert "Velkommen" in welcome.text
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
        await services.close()


async def test_two_chats_interleaved_keep_their_own_dialogue(running: Bot) -> None:
    await running.ask(10, f"/start {TEMADAG}")
    await running.ask(11, f"/start {TEMADAG}")
    await running.ask(10, "/tilmeld")
    await running.ask(11, "hvor er det")
    [email_q] = await running.ask(10, "Anna")
    [answer] = await running.ask(11, "hvornår starter det")
    assert "e-mailadresse" in email_q.text and "11.00" in answer.text
    [org_q] = await running.ask(10, "anna@example.dk")
    assert "organisation" in org_q.text


async def test_nontext_edits_and_unknown_commands_get_polite_answers(running: Bot) -> None:
    running.api.send_sticker(12)
    [sticker] = await running.said(12)
    assert "kun læse tekst" in sticker.text
    running.api.send_photo(12)
    [photo] = await running.said(12)
    assert "kun læse tekst" in photo.text
    [command] = await running.ask(12, "/hemmelig")
    assert "kender jeg ikke" in command.text
    [first] = await running.ask(12, "hej")
    running.api.edit_text(12, first.message_id - 1, "hej igen")
    [edited] = await running.said(12)
    assert "nye beskeder" in edited.text


async def test_a_long_answer_is_split_under_telegrams_limit(running: Bot) -> None:
    running.api.send_text(13, f"/start {TEMADAG}")
    await running.said(13)
    long_question = "hvornår er der frokost? " + "ekstra ord " * 600
    [answer] = await running.ask(13, long_question)  # a wall of text goes to staff, politely
    assert len(answer.text) <= 4096


async def test_restart_in_the_middle_of_the_signup_resumes(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, bot_api)
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    first = await Services.start(settings)
    async with run_polling(build_application(first, clock=clock, per_chat_rate=FAST)):
        bot = Bot(bot_api, first, clock, settings)
        await bot.ask(14, f"/start {TEMADAG}")
        await bot.ask(14, "/tilmeld")
        [email_q] = await bot.ask(14, "Birgit Dahl")
        assert "e-mailadresse" in email_q.text
    await first.close()

    second = await Services.start(settings)  # a new process, the same database
    try:
        async with run_polling(build_application(second, clock=clock, per_chat_rate=FAST)):
            bot = Bot(bot_api, second, clock, settings)
            [org_q] = await bot.ask(14, "bd@rebild.dk")
            assert "organisation" in org_q.text
            await bot.ask(14, "Handicaprådet, Rebild")
            [summary] = await bot.ask(14, "-")
            assert "Birgit Dahl" in summary.text and "bd@rebild.dk" in summary.text
    finally:
        await second.close()


async def test_messages_to_one_chat_keep_telegrams_one_per_second(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, bot_api)
    services = await Services.start(settings)
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    try:
        async with run_polling(build_application(services, clock=clock)):
            for text in (f"/start {TEMADAG}", "hvor er det", "hvornår starter det"):
                bot_api.send_text(15, text)
            await bot_api.wait_for_sent(15, count=3, timeout=10)
            stamps = bot_api.rate_log[15]
            assert all(b - a >= 0.9 for a, b in itertools.pairwise(stamps))
    finally:
        await services.close()


async def test_a_failing_send_is_logged_and_the_bot_goes_on(
    bot_api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(tmp_path, bot_api)
    services = await Services.start(settings)
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    app = build_application(services, clock=clock, per_chat_rate=FAST)
    try:
        async with run_polling(app, raise_errors=False) as errors:
            bot = Bot(bot_api, services, clock, settings)
            await bot.ask(16, f"/start {TEMADAG}")
            bot_api.fail_next("sendMessage", error_code=400, description="Bad Request: broken")
            bot_api.send_text(16, "hvornår er der frokost")
            [apology] = await bot.said(16)
            assert "gik noget galt" in apology.text
            [answer] = await bot.ask(16, "hvornår er der frokost")
            assert "12.15" in answer.text
        assert len(errors) == 1
        assert "error while handling an update" in caplog.text and "Traceback" in caplog.text
    finally:
        await services.close()


async def test_webhook_mode_with_a_secret_token(bot_api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    settings = settings_for(tmp_path, bot_api).model_copy(
        update={
            "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram",
            "telegram_webhook_secret": SecretStr("s3cret-token"),
            "telegram_webhook_port": port,
        }
    )
    services = await Services.start(settings)
    stop = asyncio.Event()
    running = [
        asyncio.create_task(serve(services, stop)),
        asyncio.create_task(receive(services, stop)),
    ]
    try:
        [hook] = await bot_api.wait_for_call("setWebhook")
        assert hook.params["secret_token"] == "s3cret-token"
        bot_api.send_text(40, f"/start {TEMADAG}")  # pushed by the server to the webhook
        [welcome] = await bot_api.wait_for_sent(40, timeout=10)
        assert "Velkommen" in welcome.text
        forged = bot_api.send_text(40, "hvornår er der frokost", deliver=False)
        status = await post_update_to(f"http://127.0.0.1:{port}/telegram", forged, "wrong")
        assert status == 403
        assert not bot_api.calls("getUpdates")  # no polling in webhook mode
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*running), timeout=10)
        await services.close()


async def test_a_quiet_dialogue_times_out_and_the_chat_is_free_again(running: Bot) -> None:
    await running.ask(41, f"/start {TEMADAG}")
    await running.ask(41, "/tilmeld")
    running.clock.at += timedelta(minutes=31)
    [stopped] = await running.ask(41, "Karen Holm")
    assert "stoppet" in stopped.text and "/tilmeld" in stopped.text
    [answer] = await running.ask(41, "hvornår er der frokost")  # no longer inside the dialogue
    assert "12.15" in answer.text


async def test_stop_leaves_the_dialogue_and_saves_nothing(running: Bot) -> None:
    await running.ask(42, f"/start {TEMADAG}")
    await running.ask(42, "/tilmeld")
    await running.ask(42, "Karen Holm")
    [stopped] = await running.ask(42, "/annuller")
    assert "Der blev ikke gemt noget" in stopped.text
    [mine] = await running.ask(42, "/mine")
    assert "ikke tilmeldt" in mine.text


async def test_program_now_and_next_on_the_day_and_help(running: Bot) -> None:
    running.clock.at = parse_aware("2024-05-31T12:40:00+02:00")
    await running.ask(43, f"/start {TEMADAG}")
    [whole] = await running.ask(43, "/program")
    assert "10.30" in whole.text and "Frokostpause" in whole.text and "14.30" in whole.text
    [current] = await running.ask(43, "/program nu")
    assert "12.15" in current.text and "Frokostpause" in current.text
    [coming] = await running.ask(43, "/program næste")
    assert "13.00" in coming.text
    [helptext] = await running.ask(43, "/hjaelp")
    assert "/tilmeld" in helptext.text and "/afmeld" in helptext.text


async def test_today_turns_at_midnight_in_copenhagen_in_the_chat(running: Bot) -> None:
    await running.ask(46, f"/start {TEMADAG}")
    running.clock.at = parse_aware("2024-05-30T23:58:00+02:00")
    [eve] = await running.ask(46, "/program nu")
    assert "er fredag den 31. maj 2024" in eve.text
    [no] = await running.ask(46, "Er det i dag?")
    assert no.text.startswith("Nej,")
    running.clock.at = parse_aware("2024-05-31T00:02:00+02:00")
    [yes] = await running.ask(46, "Er det i dag?")
    assert yes.text.startswith("Ja,")
    [first] = await running.ask(46, "/program næste")
    assert "10.30" in first.text


async def test_too_many_requests_is_waited_out_and_retried(running: Bot) -> None:
    await running.ask(44, f"/start {TEMADAG}")
    running.api.fail_next("sendMessage", error_code=429, retry_after=1)
    [answer] = await running.ask(44, "hvornår er der frokost")
    assert "12.15" in answer.text
    attempts = [c for c in running.api.calls("sendMessage") if c.params.get("chat_id") == 44]
    assert [c.status for c in attempts][-2:] == [429, 200]


def long_programme(tmp_path: Path) -> Path:
    """A knowledge folder with one event whose programme is longer than one Telegram message."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    items = "\n".join(
        f'  - {{start: "{9 + n // 6:02d}:{(n % 6) * 10:02d}", title: "Punkt {n}: '
        + "en lang overskrift om det specialiserede socialområde og samarbejdet " * 2
        + '"}'
        for n in range(60)
    )
    (folder / "lang.yaml").write_text(
        "id: lang-dag\nkind: event\nsource: {file: x.txt}\ntitle: Den lange dag\n"
        "organiser: Sekretariatet\nstart: 2024-05-31 09:00\nend: 2024-05-31 19:00\n"
        f"programme:\n{items}\n",
        encoding="utf-8",
    )
    return folder


async def test_a_long_answer_is_split_into_several_messages(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, bot_api).model_copy(
        update={"knowledge_dir": long_programme(tmp_path)}
    )
    services = await Services.start(settings)
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    try:
        async with run_polling(build_application(services, clock=clock, per_chat_rate=FAST)):
            bot = Bot(bot_api, services, clock, settings)
            await bot.ask(45, "/start lang-dag")
            bot_api.send_text(45, "/program")
            parts = await bot.said(45, count=3)
            assert all(len(p.text) <= 4096 for p in parts)
            assert "Punkt 0:" in parts[0].text and "Punkt 59:" in parts[-1].text
            assert parts[-1].text.endswith("<i>Den lange dag</i>")  # the source, once, at the end
            assert not any("<i>" in p.text for p in parts[:-1])
    finally:
        await services.close()


async def test_a_cancellation_in_chat_gives_the_seat_away_and_tells_the_next(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    from bot.channels.mail.models import OutboxMail
    from bot.registrations.form import SignupForm

    folder = tmp_path / "knowledge"
    one_seat(folder)
    settings = settings_for(tmp_path, bot_api).model_copy(
        update={"knowledge_dir": folder, "mail_from": "sekretariat@example.dk"}
    )
    services = await Services.start(settings)
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    event = services.kb.event("lille-dag")
    assert event is not None
    service = services.registrations
    seat = await service.signup(
        event,
        SignupForm("Anna", "anna@example.dk", "Rådet"),
        channel="telegram",
        now=clock(),
        chat=ChatId("telegram", "50"),
    )
    mail_only = await service.signup(
        event, SignupForm("Ib", "ib@example.dk", "Rådet"), channel="email", now=clock()
    )
    on_telegram = await service.signup(
        event,
        SignupForm("Bo", "bo@example.dk", "Rådet"),
        channel="telegram",
        now=clock(),
        chat=ChatId("telegram", "51"),
    )
    assert [r.outcome.value for r in (seat, mail_only, on_telegram)] == [
        "registered",
        "waitlisted",
        "waitlisted",
    ]
    try:
        async with run_polling(build_application(services, clock=clock, per_chat_rate=FAST)):
            bot = Bot(bot_api, services, clock, settings)
            await bot.ask(50, "/start lille-dag")
            [question] = await bot.ask(50, "/afmeld")
            [done] = await bot.press(50, question, "Ja, afmeld mig")
            assert "afmeldt" in done.text
        async with services.db.session() as session:
            queued = list(await session.scalars(select(OutboxMail)))
        assert [m.to_address for m in queued] == ["ib@example.dk"]  # first on the list, by mail
        assert not bot_api.sent(51)  # Bo is still waiting: nothing to tell him
    finally:
        await services.close()


async def test_a_seat_freed_anywhere_is_told_in_the_telegram_chat_of_the_next(
    bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    """The service tells the promoted person, whoever cancelled: here by e-mail, and the next
    on the list hears it in their Telegram chat, through the chat outbox."""
    from bot.registrations.form import SignupForm
    from tests.telegram.test_staff import bot_running

    folder = tmp_path / "knowledge"
    one_seat(folder)
    settings = settings_for(tmp_path, bot_api).model_copy(
        update={"knowledge_dir": folder, "mail_from": "sekretariat@example.dk"}
    )
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    async with bot_running(bot_api, settings, clock) as bot:
        event = bot.services.kb.event("lille-dag")
        assert event is not None
        service = bot.services.registrations
        ib = SignupForm("Ib", "ib@example.dk", "Rådet")
        await service.signup(event, ib, channel="email", now=clock())
        bo = SignupForm("Bo", "bo@example.dk", "Rådet")
        waiting = await service.signup(
            event, bo, channel="telegram", chat=ChatId("telegram", "52"), now=clock()
        )
        assert waiting.outcome.value == "waitlisted"
        await service.cancel(event, Identity(email="ib@example.dk"), channel="email", now=clock())
        [told] = await bot_api.wait_for_sent(52)
        assert told.text.startswith("Godt nyt: Der er blevet en plads fri")
        assert "skrive" in told.text and "chatten" in told.text  # cancelled here in the chat
