"""The reminder job on SQLite and PostgreSQL, with a controlled clock: what is queued, and when.

Everything goes through the real services (``Services.start`` on test events written as
knowledge files) and the real couriers, so these tests read what the channels' senders would
send from the chat outbox and the mail outbox. ``run_due(now)`` is what the job does every
minute; calling it again and again, and from a restarted bot, must never queue a notice twice.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

from bot.channels.mail.outbox import build_message
from bot.clock import parse_aware
from bot.metrics import REGISTRY
from bot.registrations.dialogue import DialogueState
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId, Identity
from bot.registrations.results import Outcome, Result
from bot.reminders.job import ReminderJob
from bot.services import Services
from tests.reminders.conftest import (
    BOT_ADDRESS,
    STAFF_CHAT,
    STAFF_EMAIL,
    Start,
    chat_outbox,
    mail_outbox,
    notices,
)
from tests.reminders.events import EFTERAAR, FORAAR, PINSE, SEN, SIGNUP_TIME

KAREN = 4711  # Telegram
OLE = 4712
BIRTHE = "birthe@handicapraad.example.dk"
ANNA = "anna@aeldreraad.example.dk"


async def sign_up(
    services: Services,
    slug: str,
    name: str,
    email: str,
    *,
    chat: ChatId | None = None,
    session: str | None = None,
    lang: str = "da",
    now: str | None = None,
) -> Result:
    event = services.kb.event(slug)
    assert event is not None
    channel = chat.kind if chat is not None else "email"
    form = SignupForm(
        name=name,
        email=email,
        organisation="Ældrerådet",
        session=session,
        lang=lang,  # type: ignore[arg-type]
    )
    return await services.registrations.signup(
        event,
        form,
        channel=channel,
        now=parse_aware(now) if now else SIGNUP_TIME,
        chat=chat,
    )


async def reminders_in_chats(services: Services) -> list[tuple[str, str]]:
    return [(r.chat_id, r.text) for r in await chat_outbox(services.db) if r.kind == "reminder"]


async def mails_to(services: Services, address: str) -> list[EmailMessage]:
    """The mail queued for ``address``, as the outbox sender will send it."""
    return [
        build_message(row, BOT_ADDRESS)
        for row in await mail_outbox(services.db)
        if row.to_address == address
    ]


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def attached(mail: EmailMessage) -> list[tuple[str, str | None]]:
    """The files a mail carries, less the check-in code's inline QR picture (tested with the
    mail reminder in ``test_mail``)."""
    return [
        (part.get_content_type(), part.get_filename())
        for part in mail.iter_attachments()
        if part.get_filename() != "tjek-ind-kode.png"
    ]


async def due(services: Services, at: str) -> int:
    """Run the job's look at ``at``; how many reminders to participants it queued."""
    return (await ReminderJob(services).run_due(parse_aware(at))).reminders


# -- reminders to participants -------------------------------------------------------------------


async def test_each_participant_is_reminded_once_on_their_channel_at_the_right_times(
    services: Services, start: Start
) -> None:
    await sign_up(
        services,
        EFTERAAR,
        "Karen Holm",
        "karen@example.dk",
        chat=ChatId("telegram", str(KAREN)),
        session="1",
    )
    await sign_up(services, EFTERAAR, "Birthe Jensen", BIRTHE, session="2")

    # Two working days before Monday 28 October is Thursday 24 October, 09:00 summer time.
    counted = REGISTRY.get_sample_value("deltagerbot_reminders_sent_total") or 0.0
    assert await due(services, "2024-10-24T08:59:00+02:00") == 0
    assert await due(services, "2024-10-24T09:00:00+02:00") == 2
    # And counted for /metrics.
    assert REGISTRY.get_sample_value("deltagerbot_reminders_sent_total") == counted + 2
    [(chat, text)] = await reminders_in_chats(services)
    assert chat == str(KAREN)
    for part in (
        "Påmindelse: Du er tilmeldt Efterårsdagen for Ældrerådene.",
        "Hvornår: mandag den 28. oktober 2024 kl. 10.00–15.00",
        "Hvor: Hotel Koldingfjord, Fjordvej 154, 6000 Kolding",
        "Dit valg: Workshop 1: Trygge boliger",
        'skrive "afmeld" her i chatten',
    ):
        assert part in text
    [mail] = await mails_to(services, BIRTHE)
    assert mail["Subject"] == "Påmindelse: Efterårsdagen for Ældrerådene"
    assert text_of(mail).startswith("Kære Birthe Jensen\n\nPåmindelse: Du er tilmeldt")
    assert "Workshop 2: Ensomhed" in text_of(mail)
    assert 'svare på denne e-mail med ordet "afmeld"' in text_of(mail)
    assert attached(mail) == [("text/calendar", "efteraarsdag-2024.ics")]
    # The chat now talks about the event reminded of: "afmeld" there cancels this one.
    assert (await services.conversations.get("telegram", KAREN)).event == EFTERAAR

    # The job looks every minute; a restarted bot looks again on the same database.
    assert await due(services, "2024-10-24T09:01:00+02:00") == 0
    again = await start()
    assert await due(again, "2024-10-25T12:00:00+02:00") == 0
    assert len(await reminders_in_chats(again)) == 1 and len(await mails_to(again, BIRTHE)) == 1

    # The morning of the day, 07:30 winter time (summer time ended on the Sunday).
    assert await due(again, "2024-10-28T07:29:00+01:00") == 0
    assert await due(again, "2024-10-28T07:30:00+01:00") == 2
    assert await due(services, "2024-10-28T07:31:00+01:00") == 0  # the old process too
    assert await due(again, "2024-10-28T10:30:00+01:00") == 0  # begun: nothing more
    chats = await reminders_in_chats(again)
    assert len(chats) == 2 and "Påmindelse: I dag er det Efterårsdagen" in chats[1][1]
    assert len(await mails_to(again, BIRTHE)) == 2
    assert sorted(k for k in await notices(again.db) if k.startswith("reminder:")) == [
        "reminder:1:before",
        "reminder:1:day",
        "reminder:2:before",
        "reminder:2:day",
    ]


async def test_nine_oclock_local_across_the_spring_change_of_time(services: Services) -> None:
    await sign_up(services, FORAAR, "Anna Berg", ANNA, lang="en")
    # 09:00 winter time is 08:00 UTC; the clock may hand out any offset.
    assert await due(services, "2025-03-27T07:59:00+00:00") == 0
    assert await due(services, "2025-03-27T08:00:00+00:00") == 1
    # 07:30 summer time on Monday 31 March is 05:30 UTC.
    assert await due(services, "2025-03-31T05:29:00+00:00") == 0
    assert await due(services, "2025-03-31T05:30:00+00:00") == 1
    before, day = [text_of(mail) for mail in await mails_to(services, ANNA)]
    assert "Reminder: you are registered for Forårskonferencen online." in before
    assert "https://meet.example.dk/foraar" in before  # online: the link, not a place
    assert 'reply to this e-mail with the word "cancel"' in before
    assert "Reminder: Forårskonferencen online is today." in day


async def test_no_reminder_after_cancelling_or_while_waiting_and_a_promoted_person_gets_the_rest(
    services: Services,
) -> None:
    event = services.kb.event(PINSE)
    assert event is not None
    seated = await sign_up(services, PINSE, "Birthe Jensen", BIRTHE)
    waiting = await sign_up(
        services, PINSE, "Ole Bak", "ole@example.dk", chat=ChatId("telegram", str(OLE))
    )
    assert (seated.outcome, waiting.outcome) == (Outcome.REGISTERED, Outcome.WAITLISTED)

    # Two working days before Tuesday 21 May: Whit Monday is a holiday, so Thursday 16 May.
    assert await due(services, "2024-05-15T09:00:00+02:00") == 0
    assert await due(services, "2024-05-16T09:00:00+02:00") == 1  # Birthe, not Ole
    assert len(await mails_to(services, BIRTHE)) == 1 and await reminders_in_chats(services) == []

    # Birthe cancels on Friday; Ole gets her seat (and is told so), but the reminder whose time
    # had passed when he got it is not sent after the promotion.
    cancelled = await services.registrations.cancel(
        event, Identity(email=BIRTHE), channel="email", now=parse_aware("2024-05-17T10:00")
    )
    assert [p.chat for p in cancelled.promoted] == [ChatId("telegram", str(OLE))]
    assert await due(services, "2024-05-17T10:01:00+02:00") == 0
    assert await due(services, "2024-05-21T07:30:00+02:00") == 1
    [(chat, text)] = await reminders_in_chats(services)
    assert chat == str(OLE) and "I dag er det Temadag efter pinse" in text
    assert len(await mails_to(services, BIRTHE)) == 1  # nothing more to who cancelled


async def test_a_late_signup_gets_no_reminder_that_was_due_before_it(services: Services) -> None:
    await sign_up(services, SEN, "Birthe Jensen", BIRTHE, now="2024-11-26T10:00")
    await sign_up(services, SEN, "Anna Berg", ANNA, now="2024-11-27T12:00")  # after Wed 09:00
    assert await due(services, "2024-11-27T12:01:00+01:00") == 1
    assert (len(await mails_to(services, BIRTHE)), len(await mails_to(services, ANNA))) == (1, 0)
    assert await due(services, "2024-11-29T07:30:00+01:00") == 2
    assert (len(await mails_to(services, BIRTHE)), len(await mails_to(services, ANNA))) == (2, 1)


async def test_a_bot_down_over_both_moments_sends_the_last_reminder_once(
    services: Services,
) -> None:
    await sign_up(
        services,
        EFTERAAR,
        "Karen Holm",
        "karen@example.dk",
        chat=ChatId("telegram", str(KAREN)),
        session="2",
    )
    assert await due(services, "2024-10-28T09:15:00+01:00") == 1
    assert await due(services, "2024-10-28T09:16:00+01:00") == 0
    [(_chat, text)] = await reminders_in_chats(services)
    assert "I dag er det" in text
    assert [k for k in await notices(services.db) if k.startswith("reminder:")] == [
        "reminder:1:day"
    ]


async def test_reminders_can_be_switched_off(start: Start) -> None:
    services = await start(reminders_enabled=False)
    await sign_up(
        services,
        EFTERAAR,
        "Karen Holm",
        "karen@example.dk",
        chat=ChatId("telegram", str(KAREN)),
        session="2",
    )
    assert await due(services, "2024-10-24T09:00:00+02:00") == 0
    assert await chat_outbox(services.db) == [] and await notices(services.db) == []
    # Beside the channels, the job returns at once instead of looking every minute.
    await asyncio.wait_for(ReminderJob(services).run(asyncio.Event()), timeout=5)


# -- unfinished signups ----------------------------------------------------------------------------


async def left_signup(services: Services, chat: int, slug: str, at: str, **answers: str) -> None:
    """A chat whose signup dialogue stands where the person stopped answering."""
    state = DialogueState(slug, "organisation", "da", parse_aware(at).isoformat(), dict(answers))
    await services.conversations.update(
        "telegram", chat, parse_aware(at), event=slug, flow="signup", flow_state=state.to_json()
    )


async def unfinished(services: Services) -> list[tuple[str, str]]:
    return [(r.chat_id, r.text) for r in await chat_outbox(services.db) if r.kind == "unfinished"]


async def test_a_signup_left_unfinished_is_reminded_once_before_the_deadline(
    services: Services, start: Start
) -> None:
    job = ReminderJob(services)
    await left_signup(services, 601, PINSE, "2024-05-01T10:00", name="Inge")
    await left_signup(services, 602, PINSE, "2024-05-01T10:00", name="Ole")
    await sign_up(
        services, PINSE, "Ole Bak", "ole@example.dk", chat=ChatId("telegram", "602")
    )  # finished later
    await left_signup(services, 603, EFTERAAR, "2024-05-01T10:00", name="Per")  # another event
    await left_signup(services, 604, PINSE, "2024-05-09T09:55", name="Lis")  # answering now

    # The deadline (10 May, the whole day) is more than 48 hours away.
    assert (await job.run_due(parse_aware("2024-05-08T23:00"))).unfinished == 0
    assert (await job.run_due(parse_aware("2024-05-09T10:00"))).unfinished == 1
    [(chat, text)] = await unfinished(services)
    assert chat == "601"
    assert text == (
        "Du begyndte at tilmelde dig Temadag efter pinse, men tilmeldingen blev ikke gjort "
        "færdig. Fristen er fredag den 10. maj 2024. Skriv /tilmeld for at tilmelde dig."
    )
    # Lis went quiet too; 601 is not told twice, also not by a restarted bot.
    restarted = ReminderJob(await start())
    assert (await restarted.run_due(parse_aware("2024-05-09T11:00"))).unfinished == 1
    assert (await restarted.run_due(parse_aware("2024-05-10T12:00"))).unfinished == 0
    assert [chat for chat, _ in await unfinished(services)] == ["601", "604"]
    await left_signup(services, 605, PINSE, "2024-05-09T10:00", name="Bo")
    assert (await job.run_due(parse_aware("2024-05-11T00:00"))).unfinished == 0  # closed


# -- the deadline note to staff -----------------------------------------------------------------


async def test_staff_are_told_the_numbers_once_when_the_deadline_has_passed(
    services: Services, start: Start
) -> None:
    event = services.kb.event(PINSE)
    assert event is not None
    await sign_up(services, PINSE, "Birthe Jensen", BIRTHE)
    await sign_up(services, PINSE, "Ole Bak", "ole@example.dk", chat=ChatId("telegram", str(OLE)))
    await sign_up(services, PINSE, "Anna Berg", ANNA)
    await services.registrations.cancel(
        event, Identity(email=ANNA), channel="email", now=SIGNUP_TIME
    )
    job = ReminderJob(services)
    assert (await job.run_due(parse_aware("2024-05-10T23:59"))).deadline_notes == 0
    assert (await job.run_due(parse_aware("2024-05-11T00:00"))).deadline_notes == 1
    assert (await job.run_due(parse_aware("2024-05-11T00:01"))).deadline_notes == 0
    assert (await ReminderJob(await start()).run_due(parse_aware("2024-05-12"))).deadline_notes == 0

    [note] = [r for r in await chat_outbox(services.db) if r.kind == "deadline"]
    assert note.chat_id == str(STAFF_CHAT)
    assert note.text == (
        "Tilmeldingsfristen for Temadag efter pinse er udløbet (fredag den 10. maj 2024).\n"
        "Tilmeldte: 1\nPå venteliste: 1\n\nSkriv /deltagere pinsedag-2024 for at få deltagerlisten."
    )
    [mail] = await mails_to(services, STAFF_EMAIL)
    assert mail["Subject"] == "Tilmeldingen er lukket: Temadag efter pinse"
    assert "Tilmeldte: 1" in text_of(mail) and "/deltagere" not in text_of(mail)


async def test_the_deadline_note_counts_sessions_and_needs_a_deadline_and_staff(
    start: Start,
) -> None:
    services = await start(staff_email=None)
    await sign_up(services, EFTERAAR, "Birthe Jensen", BIRTHE, session="1")
    await sign_up(services, EFTERAAR, "Anna Berg", ANNA, session="1")
    await sign_up(services, EFTERAAR, "Ole Bak", "ole@example.dk", session="2")
    await ReminderJob(services).run_due(parse_aware("2024-10-22T08:00"))
    [note] = [r.text for r in await chat_outbox(services.db) if r.kind == "deadline"]
    assert "Tilmeldte: 3\nPå venteliste: 0\n" in note
    assert "Workshop 1: Trygge boliger: 2 tilmeldt\nWorkshop 2: Ensomhed: 1 tilmeldt" in note
    assert await mail_outbox(services.db) == []  # no staff mailbox configured

    # No deadline (signup runs until the start): no note. No staff at all: none, none recorded.
    late = await ReminderJob(services).run_due(parse_aware("2024-11-29T09:00"))
    assert late.deadline_notes == 0
    unstaffed = await start(staff_chat_id=None, staff_email=None)
    report = await ReminderJob(unstaffed).run_due(parse_aware("2025-03-22T09:00"))
    assert report.deadline_notes == 0
    assert not [k for k in await notices(unstaffed.db) if k == f"deadline:{FORAAR}"]
