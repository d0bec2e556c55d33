"""Needs and companions as data: read from people's own words, kept per registration, a seat
per companion (freed on cancellation), changed later, repeated in the confirmation and export."""

from __future__ import annotations

import pytest

from bot.registrations import RegistrationService
from bot.registrations.confirmation import message_for
from bot.registrations.export import export_csv
from bot.registrations.form import SignupForm
from bot.registrations.identity import Identity
from bot.registrations.needs import read_needs
from bot.registrations.results import Outcome
from bot.storage import Database
from tests.registrations.events import NOW, make_event


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("jeg bruger rollator", {"wheelchair"}),
        ("Jeg er hørehæmmet", {"hearing_loop"}),
        ("jeg tåler ikke laktose", {"diet"}),
        ("min ledsager kommer med", {"companion"}),
        ("I use a wheelchair and I am vegetarian.", {"wheelchair", "diet"}),
        ("har alligevel brug for tolk", {"sign_language"}),
        (
            "Jeg sidder i koerestol og har brug for skrivetolk",
            {"wheelchair", "writing_interpreter"},
        ),
        ("Jeg kan ikke gå på trapper.", {"wheelchair"}),
        ("Jeg er svagtseende og vil gerne have stor skrift.", {"visual"}),
        ("Jeg har duftallergi.", {"other"}),
        ("Jeg har nøddeallergi.", {"diet"}),
        ("Ingen allergier.", set()),
        ("Har I teleslynge?", set()),  # a question, not a need
        ("Jeg har ikke brug for tolk.", set()),
        ("> Jeg kører i kørestol", set()),  # quoted text is never read
        ("Sidste år havde jeg ledsager med.", set()),
        # Words not in the development set's mails, for the stems to generalise to.
        ("Jeg er kørestolsbruger.", {"wheelchair"}),
        ("Jeg er cøliaker.", {"diet"}),
        ("Jeg kan ikke tåle mælk.", {"diet"}),
        ("Jeg hører meget dårligt.", {"hearing_loop"}),
        ("I'm deaf and I'll bring my carer.", {"sign_language", "companion"}),
        ("Jeg er spastiker og bruger el-scooter.", {"wheelchair"}),
    ],
)
def test_needs_are_read_from_own_words(text: str, kinds: set[str]) -> None:
    assert set(read_needs(text).found) == kinds


def test_negations_withdraw() -> None:
    assert read_needs("min hjælper kan ikke komme").withdrawn == {"companion"}
    assert read_needs("har ikke brug for tolk").withdrawn == {"sign_language"}
    assert read_needs("Jeg har ingen særlige behov.").none_at_all
    assert read_needs("No special requirements.").none_at_all
    both = read_needs("Jeg har ikke brug for tolk, men jeg bruger høreapparat.")
    assert set(both.found) == {"hearing_loop"} and both.withdrawn == {"sign_language"}


def test_companions_are_counted_and_named() -> None:
    named = read_needs("Min hjælper Jonna Kristensen deltager også.", own_name="Henrik Dal")
    assert named.companions == 1 and named.companion_names == ("Jonna Kristensen",)
    assert read_needs("Vi har to hjælpere med.").companions == 2
    assert read_needs("Jeg har min førerhund med.").companions == 0  # a dog takes no seat


async def test_a_companion_takes_a_seat_and_frees_it_on_cancellation(db: Database) -> None:
    event = make_event("ledsager", capacity=3)
    service = RegistrationService(db, {event.id: event}.get)
    helped = SignupForm(
        "Henrik Dal", "henrik@example.dk", "Rådet", needs="Min hjælper Jonna Kristensen kommer med."
    )
    first = await service.signup(event, helped, channel="email", now=NOW)
    assert first.outcome is Outcome.REGISTERED and first.registration
    assert first.registration.need_kinds == ("companion",)
    assert first.registration.companions == ("Jonna Kristensen",)
    second = await service.signup(
        event, SignupForm("Åse", "aase@example.dk", "Rådet"), channel="email", now=NOW
    )
    assert second.outcome is Outcome.REGISTERED  # seat 3 of 3: Henrik, Jonna, Åse
    # Two seats wanted (a person and a helper): none is free, so both wait.
    pair = SignupForm("Bo", "bo@example.dk", "Rådet", need_kinds=("companion",), companions=1)
    waiting = await service.signup(event, pair, channel="email", now=NOW)
    assert waiting.outcome is Outcome.WAITLISTED
    assert await service.registered_count(event.id) == 2

    cancelled = await service.cancel(
        event, Identity(email="henrik@example.dk"), channel="email", now=NOW
    )
    assert cancelled.outcome is Outcome.CANCELLED
    # Henrik's two seats are free: Bo and his helper move up together.
    assert [p.name for p in cancelled.promoted] == ["Bo"]
    listing = await service.event_registrations(event.id)
    assert [(i.name, i.status.value, len(i.companions)) for i in listing] == [
        ("Åse", "registered", 0),
        ("Bo", "registered", 1),
    ]


async def test_a_later_change_keeps_what_was_not_withdrawn(db: Database) -> None:
    event = make_event("aendring")
    service = RegistrationService(db, {event.id: event}.get)
    form = SignupForm(
        "Rikke", "rikke@example.dk", "Rådet", needs="Jeg er døv, og min ledsager Mads Holm kommer."
    )
    await service.signup(event, form, channel="email", now=NOW)
    who = Identity(email="rikke@example.dk")
    result = await service.update_needs(
        event,
        who,
        read_needs("Mads Holm kan ikke komme med, så jeg kommer uden ledsager. Jeg er vegetar."),
        channel="email",
        now=NOW,
    )
    assert result.outcome is Outcome.UPDATED and result.registration
    assert result.registration.need_kinds == ("sign_language", "diet")
    assert result.registration.companions == ()
    later = await service.update_needs(
        event, who, read_needs("jeg har alligevel brug for skrivetolk"), channel="web", now=NOW
    )
    assert later.registration and later.registration.need_kinds == (
        "sign_language",
        "writing_interpreter",
        "diet",
    )
    text = message_for(later, event, lang="da", channel="email").text
    assert "Vi har opdateret din tilmelding" in text
    assert "Vi har noteret: tegnsprogstolk, skrivetolk, kost eller madallergi." in text
    nobody = await service.update_needs(
        event, Identity(email="ukendt@example.dk"), read_needs("tolk"), channel="email", now=NOW
    )
    assert nobody.outcome is Outcome.NOT_REGISTERED


async def test_two_needs_are_repeated_and_exported(db: Database) -> None:
    event = make_event("to-behov")
    service = RegistrationService(db, {event.id: event}.get)
    form = SignupForm(
        "Søren", "soren@example.dk", "Rådet", needs="Jeg kører i kørestol og tåler ikke gluten."
    )
    result = await service.signup(event, form, channel="email", now=NOW)
    message = message_for(result, event, lang="da", channel="email")
    assert "Vi har noteret: kørestol eller rollator, kost eller madallergi." in message.text
    exported = export_csv(await service.event_registrations(event.id), event).decode("utf-8-sig")
    assert "kørestol eller rollator, kost eller madallergi" in exported
    # None given by e-mail: the confirmation asks one simple question.
    plain = await service.signup(
        event, SignupForm("Bo", "bo@example.dk", "Rådet"), channel="email", now=NOW
    )
    asked = message_for(plain, event, lang="da", channel="email").text
    assert "svar blot på denne e-mail" in asked
