"""Drafting from more ways invitations are written: whole hours after "kl." in a programme, an
item given "Fra ... til ...", a signature whose phone stands under the department's line. Each
invitation here is our own, drafted from text, Word and PDF."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.knowledge.drafting.dates import leading_time
from tests.knowledge.test_drafting_layouts import FORMATS, drafted

HOURS = """Temadag om bolig og bostøtte

Tid: tirsdag den 6. oktober 2026 kl. 9-15
Sted: Rådhuset, Torvet 2, 7100 Vejle

Program

kl. 9     Kaffe og rundstykker
kl. 9.30  Velkomst v/ Birgit Lund, formand for Handicaprådet
kl. 11    Min egen lejlighed v/ Ali Hassan og hans far, Omar Hassan
kl. 12    Frokost
- Fra 12.45 til 14.15 Bostøtte i praksis v/ bostøttekonsulent Rikke Dahl
kl. 14.15 Tak for i dag

Spørgsmål om dagen kan rettes til

Med venlig hilsen

Sofie Kragh Mortensen
Fuldmægtig
Social- og Sundhedsforvaltningen, Vejle Kommune
tlf. 76 81 22 33
skm@vejle.example.dk
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_hours_after_kl_and_a_range_after_fra(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(HOURS, fmt, tmp_path)
    items = {i.start.value: i for i in draft.programme}
    assert sorted(items) == [time(9), time(9, 30), time(11), time(12), time(12, 45), time(14, 15)]
    assert items[time(11)].title.value.startswith("Min egen lejlighed")
    assert items[time(12)].title.value == "Frokost"
    assert items[time(12, 45)].end is not None
    assert items[time(12, 45)].end.value == time(14, 15)
    assert all(i.start.unsure is None for i in draft.programme)


def test_a_whole_hour_needs_kl_and_fra_needs_a_range() -> None:
    assert leading_time("11 deltagere er tilmeldt") is None
    assert leading_time("kl. 3 personer fra hvert råd") is None  # no programme time before 6
    assert leading_time("Fra 9.00 er der kaffe i foyeren") is None
    found = leading_time("kl. 14 Dialog ved bordene")
    assert found is not None and found[0].start == time(14) and found[1] == "Dialog ved bordene"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_signature_with_its_phone_under_the_department(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(HOURS, fmt, tmp_path)
    [contact] = draft.contacts
    assert contact.name.value == "Sofie Kragh Mortensen"
    assert contact.phone is not None and contact.phone.value.replace(" ", "") == "76812233"
    assert [e.value for e in contact.emails] == ["skm@vejle.example.dk"]


LETTER = """Dialogmøde om psykiatriplanen

Tid: mandag den 8. juni 2026 kl. 13.00-16.00
Sted: Medborgerhuset, Søvej 3, 8600 Silkeborg

Mødet er gratis. Deltagelse koster 0 kr., og der serveres kaffe.

{deadline}

Spørgsmål kan rettes til sekretariatet på psyk-sekretariat@region.example.dk.

Med venlig hilsen


Karen Holt                              Jens Bay
Sekretariatschef                        Fuldmægtig
Psykiatri og Social                     Tlf. 78 41 99 56
                                        jeba@region.example.dk
"""


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("Svar udbedes inden fredag den 22. maj på tilmelding@region.example.dk.", "2026-05-22"),
        ("Tilmelding til Birthe på sms senest fredag 22/5.", "2026-05-22"),
        ("Vi vil gerne have din tilmelding senest den 22.05. på vores side.", "2026-05-22"),
        ("Please reply by 22 May with the names of your participants.", "2026-05-22"),
    ],
)
def test_deadlines_said_as_invitations_say_them(sentence: str, day: str, tmp_path: Path) -> None:
    draft, _ = drafted(LETTER.replace("{deadline}", sentence), "txt", tmp_path)
    deadline = draft.registration.deadline
    assert deadline is not None and deadline.value.isoformat() == day
    assert deadline.unsure is not None  # its year is the event's, and said so


def test_a_day_and_month_with_dots_needs_den() -> None:
    from bot.knowledge.drafting.dates import find_dates

    assert [(m.day, m.month) for m in find_dates("senest den 18.11. på")] == [(18, 11)]
    assert find_dates("kl. 18.11. i salen") == []
    assert find_dates("18.11. i salen") == []


@pytest.mark.parametrize(
    "sentence", ["Deltagelse koster 0 kr.", "There is no participation fee. Travel is your own."]
)
def test_nothing_to_pay_is_free(sentence: str, tmp_path: Path) -> None:
    text = LETTER.replace("Mødet er gratis. Deltagelse koster 0 kr., og", "").replace(
        "{deadline}", sentence
    )
    draft, _ = drafted(text, "txt", tmp_path)
    price = draft.registration.price
    assert price is not None and price.free and price.amount_dkk is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_signature_in_two_columns_and_an_office_asked(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(LETTER.replace("{deadline}", ""), fmt, tmp_path)
    found = {c.name.value: c for c in draft.contacts}
    assert "Jens Bay" in found, found
    jens = found["Jens Bay"]
    assert [e.value for e in jens.emails] == ["jeba@region.example.dk"]
    assert jens.phone is not None and jens.phone.value.replace(" ", "") == "78419956"
    assert "Karen Holt" not in found or not found["Karen Holt"].emails
    office = found["Sekretariatet"]
    assert [e.value for e in office.emails] == ["psyk-sekretariat@region.example.dk"]


def test_a_mailbox_for_questions_named_by_its_label(tmp_path: Path) -> None:
    text = LETTER.replace("{deadline}", "").replace(
        "Spørgsmål kan rettes til sekretariatet på psyk-sekretariat@region.example.dk.",
        "Practical questions: events@region.example.dk\nTilmelding: tilmeld@region.example.dk",
    )
    draft, _ = drafted(text, "txt", tmp_path)
    found = {c.name.value: [e.value for e in c.emails] for c in draft.contacts}
    assert found["Practical questions"] == ["events@region.example.dk"]
    assert "Tilmelding" not in found  # a sign-up mailbox is not whom to ask


def test_an_organisation_after_v_is_no_speaker(tmp_path: Path) -> None:
    text = HOURS.replace(
        "kl. 11    Min egen lejlighed v/ Ali Hassan og hans far, Omar Hassan",
        "kl. 11    Hvad er en demensvenlig kommune? v/ Nationalt Videnscenter for Demens",
    )
    draft, _ = drafted(text, "txt", tmp_path)
    assert not any("Videnscenter" in p.name for p in draft.people)
    items = {i.start.value: i for i in draft.programme}
    assert [s.name for s in items[time(11)].speakers] == []


def test_a_zero_for_an_o_at_a_word_start_is_repaired() -> None:
    from bot.knowledge.drafting.ocr import repair

    fixed, changes = repair("Debat. 0rdstyrer: Anders Bloch, kl. 10.00")
    assert fixed == "Debat. Ordstyrer: Anders Bloch, kl. 10.00"
    assert changes == [("0rdstyrer", "Ordstyrer")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Vi mødes i mødelokale 2 på Horsens Bibliotek, Tobaksgården 12, 8700 Horsens.",
        "Mødet holdes i mødelokale 2 på Horsens Bibliotek, Tobaksgården 12, 8700 Horsens.",
    ],
)
def test_a_venue_said_in_a_sentence_is_named_without_the_sentence(
    sentence: str, tmp_path: Path
) -> None:
    text = f"Medlemsmøde i DH Horsens\n\nOnsdag den 22. april 2026 kl. 19-21.\n\n{sentence}\n"
    draft, _ = drafted(text, "txt", tmp_path)
    assert draft.venue is not None and draft.venue.name is not None
    assert draft.venue.name.value == "mødelokale 2 på Horsens Bibliotek"
    assert draft.venue.address is not None
    assert draft.venue.address.value == "Tobaksgården 12, 8700 Horsens"
