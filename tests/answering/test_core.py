"""The answering core by kind: intents, Danish as typed, events, escalation, English."""

from __future__ import annotations

import pytest

from bot.answering import Answer, Answerer
from bot.clock import parse_aware
from bot.i18n import Lang

TEMADAG = "handicapraad-temadag-2024"
VISION = "socialaftale-visionsdag-2020"
MIDT = "kkr-midt-konference-2021"
SYD = "kkr-syd-temadag-2011"
BAGGRUND = "nordjysk-socialaftale"
BEFORE = {
    TEMADAG: "2024-04-01T10:00:00+02:00",
    VISION: "2020-01-20T10:00:00+01:00",
    MIDT: "2021-05-01T10:00:00+02:00",
    SYD: "2011-10-01T10:00:00+02:00",
    BAGGRUND: "2022-05-01T10:00:00+02:00",
}


def ask(
    answerer: Answerer,
    question: str,
    event: str | None = TEMADAG,
    lang: Lang = "da",
    now: str | None = None,
) -> Answer:
    when = parse_aware(now or BEFORE.get(event or "", "2024-04-01T10:00:00+02:00"))
    return answerer.answer(question, event, lang, when)


def answered(answer: Answer, *needles: str) -> None:
    assert not answer.escalate, answer.text
    text = answer.text.casefold()
    for needle in needles:
        assert needle.casefold() in text, f"{needle!r} not in {answer.text!r}"


# -- when ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "needles"),
    [
        ("Hvilken dag er temadagen?", ["31. maj 2024", "fredag"]),
        ("hvornår er det", ["31. maj"]),
        ("Hvad tid begynder vi?", ["11.00"]),
        ("hvornaar starter temadagen", ["11.00"]),
        ("Hvornår er vi færdige?", ["14.30"]),
        ("hvad tid slutter det", ["14.30"]),
        ("Hvornår skal jeg møde op?", ["10.30"]),
        ("Hvornår er der kaffe?", ["10.30"]),
    ],
)
def test_when(answerer: Answerer, question: str, needles: list[str]) -> None:
    answered(ask(answerer, question), *needles)


def test_start_mentions_the_arrival_before_it(answerer: Answerer) -> None:
    answer = ask(answerer, "Hvornår begynder dagen?")
    answered(answer, "11.00", "10.30")
    assert answer.intent == "start"


# -- where ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "question", "needles"),
    [
        (TEMADAG, "Hvad er adressen?", ["Hadsundvej 200"]),
        (TEMADAG, "hvor skal vi være", ["Scandic Aalborg Øst"]),
        (SYD, "Hvor ligger konferencecentret?", ["Oddevejen 8"]),
        (MIDT, "Hvor holdes konferencen?", ["online"]),
        (MIDT, "Er det online?", ["online"]),
    ],
)
def test_where(answerer: Answerer, event: str, question: str, needles: list[str]) -> None:
    answered(ask(answerer, question, event), *needles)


def test_where_is_escalated_when_the_source_names_no_venue(answerer: Answerer) -> None:
    answer = ask(answerer, "Hvor foregår visionsdagen?", VISION)
    assert answer.escalate and answer.event == VISION


# -- deadline ------------------------------------------------------------------------------------


def test_deadline_before_it_has_passed(answerer: Answerer) -> None:
    answer = ask(answerer, "hvornår er sidste frist for tilmelding")
    answered(answer, "12. april 2024")
    assert answer.intent == "deadline"


@pytest.mark.parametrize(
    "question", ["Kan jeg nå at tilmelde mig?", "er det for sent at melde sig til"]
)
def test_can_i_still_sign_up_depends_on_now(answerer: Answerer, question: str) -> None:
    before = ask(answerer, question, now="2024-04-12T23:30:00+02:00")
    after = ask(answerer, question, now="2024-04-13T00:05:00+02:00")
    answered(before, "12. april", "stadig")
    answered(after, "12. april", "for sent")
    assert "stadig" not in after.text


def test_deadline_typo_and_missing_letters(answerer: Answerer) -> None:
    answered(ask(answerer, "hvad er tilmeldningsfristen"), "12. april")
    answered(ask(answerer, "Hvad er tilmeldingsfristen?", SYD), "14. oktober 2011")


def test_deadline_is_escalated_where_the_source_gives_none(answerer: Answerer) -> None:
    assert ask(answerer, "Hvornår er tilmeldingsfristen?", MIDT).escalate


# -- programme -----------------------------------------------------------------------------------


def test_whole_programme_lists_items_in_order(answerer: Answerer) -> None:
    answer = ask(answerer, "Hvad er programmet?")
    answered(answer, "10.30", "Frokostpause", "14.30")
    assert answer.text.index("10.30") < answer.text.index("12.15") < answer.text.index("14.15")


@pytest.mark.parametrize(
    ("question", "needles"),
    [
        ("hvad sker der klokken 13.30", ["involvering af frivillige"]),
        ("Hvad foregår kl 14", ["Opsamling"]),
        ("hvornår er frokosten", ["12.15"]),
        ("hvornår spiser vi frokst", ["12.15"]),
        ("Hvad kommer efter frokostpausen?", ["13.00", "frivillige"]),
        ("hvad sker der før frokost", ["11.15"]),
    ],
)
def test_programme_at_a_time_and_around_an_item(
    answerer: Answerer, question: str, needles: list[str]
) -> None:
    answered(ask(answerer, question), *needles)


def test_now_and_next_use_the_time_of_day_on_the_day(answerer: Answerer) -> None:
    now = "2024-05-31T12:40:00+02:00"
    answered(ask(answerer, "hvad sker der nu", now=now), "12.15", "Frokostpause")
    answered(ask(answerer, "hvad er det næste", now=now), "13.00")
    before = ask(answerer, "hvad sker der nu", now="2024-05-20T12:40:00+02:00")
    answered(before, "31. maj", "10.30")


def test_a_programme_item_with_start_and_end(answerer: Answerer) -> None:
    answered(ask(answerer, "hvornår er der pause", SYD), "14.25", "14.40")


# -- who -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "question", "needles"),
    [
        (TEMADAG, "hvem byder velkommen", ["Lasse Frimand Jensen"]),
        (TEMADAG, "Hvem runder dagen af?", ["Lasse Frimand Jensen"]),
        (VISION, "hvem holder kick-off", ["Annemette Digmann"]),
        (VISION, "Hvem er Arne Boelt?", ["KKR-formand"]),
        (VISION, "Hvem er ordstyrer på session 2?", ["Randi Riis Michelsen"]),
        (VISION, "hvem holder oplæg i session 1", ["Anette Vinther Mortensen"]),
        (MIDT, "Hvem er facilitator på workshop 3?", ["Lotte Henriksen"]),
        (MIDT, "hvem er Stefan Hermann", ["Rektor"]),
        (MIDT, "Hvem er KKR formand i Midtjylland?", ["Torben Hansen"]),
        (SYD, "Hvem er ordstyrer?", ["Peter Pietras"]),
        (SYD, "hvem taler om styringsaftalen", ["Peter Pietras"]),
    ],
)
def test_who(answerer: Answerer, event: str, question: str, needles: list[str]) -> None:
    answered(ask(answerer, question, event), *needles)


def test_who_with_a_role_the_event_does_not_have_is_escalated(answerer: Answerer) -> None:
    assert ask(answerer, "Hvem er ordstyrer?", TEMADAG).escalate


# -- contact, price, audience, sessions ----------------------------------------------------------


def test_contact(answerer: Answerer) -> None:
    answered(ask(answerer, "Hvad er telefonnummeret?"), "2520 1575")
    answered(ask(answerer, "hvem kan jeg kontakte"), "rammeaftalesekretariat@aalborg.dk")
    both = ask(answerer, "Hvad er Lene Kamps mail?", SYD)
    answered(both, "lk@vejenkom.dk", "lkk@vejenkom.dk")


def test_price(answerer: Answerer) -> None:
    answered(ask(answerer, "er det gratis", MIDT), "gratis")
    answered(ask(answerer, "Hvad er prisen?", MIDT), "gratis")
    assert ask(answerer, "Hvad koster det?", TEMADAG).escalate
    assert ask(answerer, "Hvad koster det?", SYD).escalate


def test_audience(answerer: Answerer) -> None:
    answered(ask(answerer, "Hvem er temadagen for?"), "Handicaprådene i Nordjylland")
    answered(ask(answerer, "Hvem er målgruppen?", SYD), "socialudvalg")


def test_sessions(answerer: Answerer) -> None:
    listing = ask(answerer, "Hvilke workshops kan man vælge?", MIDT)
    answered(listing, "Design af nye løsninger", "Boformer og bygninger", "på dagen")
    answered(
        ask(answerer, "hvilke sessioner er der", VISION), "Den gode alderdom", "Socialpsykiatri"
    )
    answered(ask(answerer, "Hvad handler workshoppen om Hamarhus om?", MIDT), "Hamarhus")
    assert ask(answerer, "Hvem holder workshop 7?", MIDT).escalate
    assert ask(answerer, "hvilke workshops er der", TEMADAG).escalate


def test_summary_and_organiser(answerer: Answerer) -> None:
    answered(ask(answerer, "Hvad handler dagen om?"), "frivillig")
    answered(ask(answerer, "Hvem arrangerer temadagen?", SYD), "KKR Syddanmark")


# -- background ----------------------------------------------------------------------------------


def test_background_source(answerer: Answerer) -> None:
    answered(ask(answerer, "Hvornår skal aftalen godkendes politisk?", BAGGRUND), "november 2022")
    answered(ask(answerer, "hvad er dialogforum", BAGGRUND), "brugerorganisation")
    assert ask(answerer, "Hvor mange penge får kommunerne?", BAGGRUND).escalate


def test_how_to_sign_up_is_answered_not_acted_on(answerer: Answerer) -> None:
    # Asking how is not signing up: by e-mail it would register the sender (issue 12).
    answer = ask(answerer, "Hvordan tilmelder jeg mig?", TEMADAG)
    assert answer.intent == "signup-how" and not answer.escalate
    assert "tilmeld" in answer.text and "12. april" in answer.text


def test_an_event_can_answer_from_its_background(answerer: Answerer) -> None:
    answer = ask(answerer, "Hvornår skal den nye socialaftale godkendes?", VISION)
    answered(answer, "2022")


# -- signup and cancel intents -------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Jeg vil gerne deltage",
        "skriv mig på",
        "ja tak, jeg deltager",
        "Tilmeld mig temadagen",
        "jeg vil gerne tilmelde mig",
    ],
)
def test_signup_intent(answerer: Answerer, question: str) -> None:
    answer = ask(answerer, question)
    assert answer.intent == "signup" and not answer.escalate, answer


@pytest.mark.parametrize(
    "question",
    [
        "jeg kan desværre ikke komme alligevel",
        "Afmeld mig venligst",
        "jeg melder afbud",
        "vil gerne melde fra",
        "I can't come after all",
    ],
)
def test_cancel_intent(answerer: Answerer, question: str) -> None:
    lang: Lang = "en" if question.startswith("I ") else "da"
    answer = ask(answerer, question, lang=lang)
    assert answer.intent == "cancel" and not answer.escalate, answer


def test_signup_after_the_deadline_says_so(answerer: Answerer) -> None:
    answer = ask(answerer, "jeg vil gerne tilmelde mig", now="2024-04-20T09:00:00+02:00")
    assert answer.intent == "signup"
    answered(answer, "12. april", "for sent")


# -- escalation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "question"),
    [
        (TEMADAG, "Kan jeg parkere ved hotellet?"),
        (TEMADAG, "er der teleslynge i salen"),
        (TEMADAG, "Kan I tage hensyn til glutenallergi?"),
        (TEMADAG, "Må jeg tage min hund med?"),
        (TEMADAG, "Bliver oplæggene filmet?"),
        (TEMADAG, "hvor mange pladser er der tilbage"),
        (MIDT, "Kan jeg få slides bagefter?"),
        (SYD, "Er der vegetarisk frokost?"),
        (VISION, "Hvem betaler min kørsel?"),
        (TEMADAG, "asdf qwerty"),
        (TEMADAG, "hvad bliver vejret i morgen"),
    ],
)
def test_what_the_knowledge_does_not_cover_goes_to_staff(
    answerer: Answerer, event: str, question: str
) -> None:
    answer = ask(answerer, question, event)
    assert answer.escalate, answer.text
    assert "sekretariatet" in answer.text


def test_escalation_in_english(answerer: Answerer) -> None:
    answer = ask(answerer, "Is there a hearing loop?", lang="en")
    assert answer.escalate and "secretariat" in answer.text


# -- events found from the question --------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "event", "needle"),
    [
        ("Hvornår er temadagen i Middelfart?", SYD, "29. november 2011"),
        ("hvad er adressen til handicaprådenes temadag", TEMADAG, "Hadsundvej"),
        ("Hvornår er KKR konferencen 2021?", MIDT, "11. maj 2021"),
        ("hvem er ordstyrer på visionsdagen om socialaftalen session 1", VISION, "Thøger"),
        ("Hvornår er plenum?", SYD, "15.30"),
    ],
)
def test_event_found_from_the_question(
    answerer: Answerer, question: str, event: str, needle: str
) -> None:
    answer = ask(answerer, question, None, now="2011-06-01T10:00:00+02:00")
    assert answer.event == event, answer
    answered(answer, needle)


def test_several_fitting_events_are_named_not_guessed(answerer: Answerer) -> None:
    answer = ask(answerer, "hvor er temadagen", None, now="2011-06-01T10:00:00+02:00")
    assert answer.event is None and not answer.escalate
    answered(answer, "Middelfart", "Scandic")
    assert set(answer.candidates) == {TEMADAG, SYD}


def test_without_context_only_upcoming_events_compete(answerer: Answerer) -> None:
    answer = ask(answerer, "Hvornår er tilmeldingsfristen?", None, now="2024-03-01T10:00:00+01:00")
    assert answer.event == TEMADAG
    answered(answer, "12. april")


def test_nonsense_without_an_event_goes_to_staff(answerer: Answerer) -> None:
    assert ask(answerer, "Hvem vinder Melodi Grand Prix?", None).escalate


# -- English -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "question", "needles"),
    [
        (TEMADAG, "When is lunch?", ["12:15"]),
        (TEMADAG, "Where is it?", ["Scandic"]),
        (TEMADAG, "What is the deadline for registration?", ["12 April 2024"]),
        (TEMADAG, "what time does it start", ["11:00"]),
        (VISION, "Who is the moderator of session 3?", ["Mette Lindgaard"]),
        (MIDT, "Is it online?", ["online"]),
        (SYD, "who welcomes us", ["Egon Fræhr"]),
    ],
)
def test_english(answerer: Answerer, event: str, question: str, needles: list[str]) -> None:
    answer = ask(answerer, question, event, lang="en")
    answered(answer, *needles)
    assert "Tilmeldingsfristen" not in answer.text and " er " not in answer.text


# -- odd input -----------------------------------------------------------------------------------


def test_markup_is_read_as_text_and_never_echoed(answerer: Answerer) -> None:
    answer = ask(answerer, "<b>hvornår</b> er der&nbsp;frokost? <script>alert(1)</script>")
    answered(answer, "12.15")
    assert "<" not in answer.text and "script" not in answer.text


def test_empty_and_huge_input(answerer: Answerer) -> None:
    empty = ask(answerer, "   ")
    assert empty.intent == "empty" and not empty.escalate and empty.text
    huge = ask(answerer, "hvornår er der frokost " + "bla " * 50_000)
    assert huge.escalate  # a wall of text is a matter for a person, and it does not crash


def test_greetings_are_answered_politely(answerer: Answerer) -> None:
    for text in ("hej", "Tak!", "mange tak for hjælpen"):
        answer = ask(answerer, text)
        assert answer.intent == "smalltalk" and not answer.escalate, answer


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("SV: Invitation: Temadag for Handicaprådene i Nordjylland – 2024", TEMADAG),
        ("Re: temadagen i Middelfart", SYD),
        ("Tilmelding til KKR konferencen 2021", MIDT),
        ("Politisk visionsdag om socialaftalen", VISION),
        ("Spørgsmål", None),
        ("temadag", None),  # two theme days: not clear
        ("Nyt fra det specialiserede socialområde", None),
        ("Nordjysk Socialaftale", None),  # background knowledge is not an event to sign up for
    ],
)
def test_find_event_only_when_a_text_clearly_names_one(
    answerer: Answerer, text: str, event: str | None
) -> None:
    assert answerer.find_event(text) == event
