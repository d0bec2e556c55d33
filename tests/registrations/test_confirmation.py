"""Confirmations: everything needed on the day, in Danish and English, with a calendar file."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.clock import TZ
from bot.knowledge.schema import Event
from bot.registrations import (
    Identity,
    Outcome,
    RegistrationService,
    SignupForm,
    message_for,
    promotion_message,
)
from bot.registrations.confirmation import my_registrations_text
from bot.registrations.identity import ChatId
from tests.registrations.events import NOW, make_event


def anna(**extra: str) -> SignupForm:
    return SignupForm(
        "Anna Hansen",
        "anna@example.dk",
        "Handicaprådet i Aalborg",
        **extra,  # type: ignore[arg-type]
    )


async def test_confirmation_has_event_time_place_session_and_how_to_cancel(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = make_event(
        "visionsdag",
        choose_session="at_signup",
        sessions=[{"key": "1", "title": "Den gode alderdom"}, {"key": "2", "title": "Frivillige"}],
    )
    events[event.id] = event
    result = await service.signup(
        event,
        anna(session="1", needs="Teleslynge"),
        channel="telegram",
        chat=ChatId("telegram", "7"),
        now=NOW,
    )
    message = message_for(result, event, lang="da", channel="telegram")
    lines = message.text.splitlines()
    assert lines[0] == "Du er tilmeldt Testdag visionsdag."
    assert "Hvornår: fredag den 31. maj 2024 kl. 11.00–14.30" in lines
    assert "Hvor: Aalborg Kongres & Kultur Center, Europa Plads 4" in lines
    assert "Dit valg: Session 1: Den gode alderdom" in lines
    assert "Dine behov: Teleslynge" in lines
    assert 'skrive "afmeld" her i chatten' in message.text
    assert "sekretariat@example.dk" in message.text
    assert message.subject == "Tilmelding: Testdag visionsdag"
    assert message.ics is not None and message.ics_filename == "visionsdag.ics"

    by_mail = message_for(result, event, lang="en", channel="email")
    assert by_mail.text.startswith("You are registered for Testdag visionsdag.")
    assert "When: Friday 31 May 2024 at 11:00–14:30" in by_mail.text
    assert "Your choice: Session 1: Den gode alderdom" in by_mail.text
    assert 'reply to this e-mail with the word "cancel"' in by_mail.text


def test_when_line_for_the_temadag(events: dict[str, Event]) -> None:
    from bot.registrations.confirmation import place_text, when_text

    event = events["handicapraad-temadag-2024"]
    assert when_text(event, "da") == "fredag den 31. maj 2024 kl. 11.00–14.30"
    assert place_text(event, "da") == "Scandic Aalborg Øst, Hadsundvej 200, 9220 Aalborg"


async def test_calendar_file_parses_back_with_copenhagen_time(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = events["handicapraad-temadag-2024"]
    result = await service.signup(event, anna(), channel="email", now=NOW)
    message = message_for(result, event, lang="da", channel="email")
    assert message.ics is not None
    calendar = Calendar.from_ical(message.ics)
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Copenhagen"
    (entry,) = calendar.walk("VEVENT")
    start, end = entry.decoded("DTSTART"), entry.decoded("DTEND")
    assert entry["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert start == datetime(2024, 5, 31, 11, 0, tzinfo=TZ)
    assert end == datetime(2024, 5, 31, 14, 30, tzinfo=TZ)
    # Summer time: 11:00 in Copenhagen is 09:00 UTC.
    assert start.astimezone(ZoneInfo("UTC")).hour == 9
    assert str(entry["SUMMARY"]) == event.title
    assert "Scandic Aalborg Øst" in str(entry["LOCATION"])
    assert "afmeld" in str(entry["DESCRIPTION"])
    assert result.registration
    assert str(entry["UID"]) == f"{event.id}-{result.registration.id}@deltagerbot"
    assert b"TZID=Europe/Copenhagen:20240531T110000" in message.ics


async def test_waiting_list_and_promotion_messages(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = make_event("en-plads", capacity=1)
    events[event.id] = event
    await service.signup(event, anna(), channel="email", now=NOW)
    bo = SignupForm("Bo Jensen", "bo@example.dk", "Ældrerådet", lang="en")
    waiting = await service.signup(event, bo, channel="email", now=NOW)
    assert waiting.outcome is Outcome.WAITLISTED
    told = message_for(waiting, event, lang="en", channel="email")
    assert "waiting list for Testdag en-plads as number 1" in told.text
    assert told.ics is None and told.subject.startswith("Waiting list")

    cancel = await service.cancel(
        event, Identity(email="anna@example.dk"), channel="email", now=NOW
    )
    assert message_for(cancel, event, lang="da").text == "Du er nu afmeldt Testdag en-plads."
    (promoted,) = cancel.promoted
    notice = promotion_message(event, promoted, channel="email")  # in Bo's own language
    assert notice.text.startswith("Good news: a seat has become free")
    assert notice.ics is not None

    again = await service.cancel(event, Identity(email="anna@example.dk"), channel="email", now=NOW)
    assert "nothing to cancel" in message_for(again, event, lang="en").text


async def test_my_registrations_text(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = events["handicapraad-temadag-2024"]
    await service.signup(event, anna(), channel="email", now=NOW)
    mine = await service.registrations_of(Identity(email="anna@example.dk"), now=NOW)
    text = my_registrations_text(mine, events.get, "da")
    assert text.splitlines() == [
        "Dine tilmeldinger:",
        f"- {event.title}, fredag den 31. maj 2024 kl. 11.00–14.30",
    ]
    assert my_registrations_text([], events.get, "en") == "You are not signed up for anything."
