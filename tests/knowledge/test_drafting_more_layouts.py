"""Drafting from more layouts met in real invitations: struck-out times, minutes where the event
is one item among other dated ones, hours written short or in prose, a forwarded e-mail whose
year is only in its headers, prices for some and not others, sessions listed under a heading,
venues in tables and over several lines, and more damage from text recognition. Each invitation
here is our own."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.clock import TZ
from bot.knowledge.drafting import draft_document, read_path
from bot.knowledge.drafting.event import starts_and_ends
from bot.knowledge.drafting.ocr import known_words, repair, repair_ones
from tests.knowledge.test_drafting_layouts import FORMATS, drafted, people


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


# -- dates and times ------------------------------------------------------------------------------

CHANGED = """<html><body>
<h1>Fyraftensmøde om hjælpemidler</h1>
<p><b>Hvornår:</b> tirsdag den 14. oktober 2025, <s>kl. 15.00–17.00</s>
<del>kl. 15.30-17.30</del> <strike>kl. 16.00-18.00</strike>
<span style="color: red; text-decoration: line-through">kl. 16.30-18.30</span>
<b>NYT TIDSPUNKT: kl. 17.00–19.00</b></p>
<p><b>Hvor:</b> Medborgerhuset, Kirkevej 2, 6000 Kolding</p>
</body></html>
"""


def test_struck_out_text_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "invitation.html"
    path.write_text(CHANGED, encoding="utf-8")
    draft = draft_document(read_path(path))
    assert draft.start and draft.start.value == at(2025, 10, 14, 17)
    assert draft.end and draft.end.value == at(2025, 10, 14, 19)
    assert "15.00" not in read_path(path).text
    # the same in Markdown and in Word
    markdown = tmp_path / "invitation.md"
    markdown.write_text(
        "# Fyraftensmøde\n\nTirsdag den 14. oktober 2025 ~~kl. 15.00-17.00~~ kl. 17.00-19.00\n",
        encoding="utf-8",
    )
    draft = draft_document(read_path(markdown))
    assert draft.start and draft.start.value == at(2025, 10, 14, 17)
    import docx

    document = docx.Document()
    document.add_paragraph("Fyraftensmøde om hjælpemidler")
    paragraph = document.add_paragraph("Tirsdag den 14. oktober 2025 ")
    paragraph.add_run("kl. 15.00-17.00").font.strike = True
    paragraph.add_run(" kl. 17.00-19.00")
    word = tmp_path / "invitation.docx"
    document.save(str(word))
    draft = draft_document(read_path(word))
    assert draft.start and draft.start.value == at(2025, 10, 14, 17)
    assert draft.end and draft.end.value == at(2025, 10, 14, 19)


MINUTES = """Referat af møde i Ældrerådet

Mødet blev holdt mandag den 3. november 2025 kl. 14.00-16.00 på Rådhuset.

Til stede: Inge Holm (formand), Bent Lund, Kaj Mose,
Ruth Dam (næstformand)
Afbud: Ole Berg

1. Høring om madservice
Høringssvaret sendes senest fredag den 14. november kl. 12.00.

2. Orientering
Region Midtjylland inviterer alle ældreråd til inspirationsdag onsdag den 21. januar kl. 9-15 i
Kulturhuset Pavillonen, Sal 2,
Vestergade 9, 7400 Herning. Det er gratis at deltage.

3. Næste møde
Mandag den 8. december 2025 kl. 14.00-16.00 på Rådhuset.
"""


def test_in_minutes_the_day_is_the_one_a_sentence_announces(tmp_path: Path) -> None:
    draft, _ = drafted(MINUTES, "txt", tmp_path)
    # the year is inferred from the weekday and the minutes' years: marked
    assert draft.start and draft.start.value == at(2026, 1, 21, 9) and draft.start.unsure
    assert draft.end and draft.end.value == at(2026, 1, 21, 15)
    assert draft.venue and draft.venue.name and draft.venue.address
    assert draft.venue.name.value == "Kulturhuset Pavillonen, Sal 2"
    assert draft.venue.address.value == "Vestergade 9, 7400 Herning"
    # who was at the meeting takes no part in the event
    assert not {"Inge Holm", "Ruth Dam", "Bent Lund"} & set(people(draft))


def test_dates_that_compete_with_nothing_to_tie_them_are_marked(tmp_path: Path) -> None:
    # no sentence announces either meeting: the one taken is a choice, and said
    text = """Møder i Handicaprådet

Mandag den 3. november 2025 kl. 14.00-16.00 på Rådhuset.

Mandag den 8. december 2025 kl. 14.00-16.00 på Rådhuset.
"""
    draft, written = drafted(text, "txt", tmp_path)
    assert draft.start and draft.start.unsure is not None
    assert "8. december 2025" in written


@pytest.mark.parametrize(
    ("when", "start", "end"),
    [
        ("onsdag den 5. november 2025 fra kl. 9.30 til kl. 15.", at(2025, 11, 5, 9, 30), 15),
        ("Onsdag den 5. november 2025, kl. 9.30-15", at(2025, 11, 5, 9, 30), 15),
    ],
)
def test_an_end_hour_without_minutes(when: str, start: datetime, end: int, tmp_path: Path) -> None:
    text = (
        f"Temadag om bostøtte\n\nVi mødes {when}\n\nSted: Hotel Nord, Havnegade 3, 9000 Aalborg\n"
    )
    for fmt in FORMATS:
        draft, _ = drafted(text, fmt, tmp_path)
        assert draft.start and draft.start.value == start, fmt
        assert draft.end and draft.end.value == start.replace(hour=end, minute=0), fmt


def test_start_and_end_said_in_a_sentence_over_two_days(tmp_path: Path) -> None:
    text = """Netværksdage for ældreråd

Ældre Sagen inviterer til to dages netværk den 12.-13. marts 2026.

Vi begynder torsdag kl. 10.30 og slutter fredag kl. 14.00 efter frokost.

Sted: Hotel Skovly, Skovvej 4, 8600 Silkeborg
"""
    for fmt in FORMATS:
        draft, _ = drafted(text, fmt, tmp_path)
        assert draft.start and draft.start.value == at(2026, 3, 12, 10, 30), fmt
        assert draft.end and draft.end.value == at(2026, 3, 13, 14), fmt
    # a weekday that is not the event's first day: not read
    wrong = text.replace("begynder torsdag", "begynder mandag")
    draft, _ = drafted(wrong, "txt", tmp_path)
    assert draft.start is None or draft.start.value != at(2026, 3, 12, 10, 30)
    # the hours of one of its parts are not the event's
    part = "Workshoppen starter kl. 13.00 og slutter kl. 14.30."
    assert starts_and_ends(part, date(2026, 3, 12)) is None
    assert starts_and_ends("Dagen starter kl. 9.30 og slutter kl. 15.", date(2026, 3, 12))


FORWARDED = """Fra: Bo Winther <bo@example.dk>
Sendt: 3. februar 2026 09:12
Til: Handicaprådet
Emne: VS: Invitation til fyraftensmøde

Hej alle, se nedenfor. Mvh Bo

-----Oprindelig meddelelse-----
Fra: Ældrerådet <aeldreraad@example.dk>
Sendt: 2. februar 2026 14:00
Til: Ældrerådet
Emne: Invitation til fyraftensmøde

> Ældrerådet inviterer til fyraftensmøde om demens
>
> onsdag den 11. marts kl. 16.00-18.00
> i Salen, Torvet 1, 8800 Viborg
>
> Tilmelding inden d. 2/3 til aeldreraad@example.dk
"""


def test_a_forwarded_mail_gives_the_year_from_its_headers(tmp_path: Path) -> None:
    draft, text = drafted(FORWARDED, "txt", tmp_path)
    assert draft.start and draft.start.value == at(2026, 3, 11, 16)
    assert draft.start.unsure is not None and "2026" in text  # inferred: marked
    assert draft.end and draft.end.value == at(2026, 3, 11, 18)
    deadline = draft.registration.deadline
    assert deadline and str(deadline.value) == "2026-03-02" and deadline.unsure is not None


SHORT_TIMES = """# Temadag om boliger

**Tirsdag den 9. juni 2026, kl. 9.30-15**, Kulturhuset, Torvet 2, 8800 Viborg

## Program

- 09.30 Kaffe
- 10.00-10.15 Velkomst
- 10.15-11 Oplæg om boliger
- 11-11.45 Erfaringer fra kommunerne
- 11.45-1 Frokost
- 1-2.15 Workshops
- ca. 14.15: Kaffe
- 14.30-15 Opsamling
"""


def test_programme_times_written_short(tmp_path: Path) -> None:
    draft, _ = drafted(SHORT_TIMES, "txt", tmp_path)
    assert draft.end and draft.end.value == at(2026, 6, 9, 15)
    found = [(i.start.value, i.end.value if i.end else None) for i in draft.programme]
    assert found == [
        (time(9, 30), None),
        (time(10), time(10, 15)),
        (time(10, 15), time(11)),
        (time(11), time(11, 45)),
        (time(11, 45), None),  # "11.45-1": 13.00, or a slip? not read, and said
        (time(13), time(14, 15)),  # "1-2.15" after lunch: the 12-hour clock, marked
        (time(14, 15), None),
        (time(14, 30), time(15)),
    ]
    lunch, workshops = draft.programme[4], draft.programme[5]
    assert lunch.start.unsure is not None and workshops.start.unsure is not None
    assert all(i.start.unsure is None for i in draft.programme if i not in (lunch, workshops))


def test_an_item_with_its_hours_in_brackets(tmp_path: Path) -> None:
    text = """# Peer day

Friday 5 June 2026, 10.00–15.00, Huset, Algade 2, 9000 Aalborg

## Programme

**10.00 – Welcome**

**Lunch (12.00–12.45)**

**13.00 – Workshops**

**14.30 – Goodbye**
"""
    draft, _ = drafted(text, "txt", tmp_path)
    lunch = next(i for i in draft.programme if i.title.value == "Lunch")
    assert (lunch.start.value, lunch.end and lunch.end.value) == (time(12), time(12, 45))


# -- price ----------------------------------------------------------------------------------------

EVENT = (
    "Temadag om trivsel\n\n"
    "Torsdag den 4. juni 2026 kl. 10.00-15.00, Hotel Nord, Havnegade 3, 9000 Aalborg\n\n"
)


def test_free_with_a_fee_for_not_coming_is_not_simply_free(tmp_path: Path) -> None:
    text = EVENT + "Praktisk\nDeltagelse er gratis, men udeblivelse faktureres med 300 kr.\n"
    draft, _ = drafted(text, "txt", tmp_path)
    price = draft.registration.price
    assert price and not price.free and price.amount_dkk is None
    assert price.note and "300 kr." in price.note and price.unsure is not None


@pytest.mark.parametrize(
    ("words", "amount", "said"),
    [
        (
            "Det er gratis for medlemmer at deltage. For øvrige deltagere koster dagen 450 kr.",
            450,
            "gratis for medlemmer",
        ),
        ("## Price and sign-up\n\n- Free for members\n- DKK 1,250 for others\n", 1250, "1,250"),
        ("## Pris og tilmelding\n\n- Medlemmer: 200 kr.\n- Andre: 400 kr.\n", 200, "400 kr."),
    ],
)
def test_a_price_for_some_and_not_others(
    words: str, amount: float, said: str, tmp_path: Path
) -> None:
    # the amount is for those who pay; the note keeps what the source says, and it is marked
    draft, _ = drafted(EVENT + words, "txt", tmp_path)
    price = draft.registration.price
    assert price and not price.free and price.amount_dkk == amount and price.unsure is not None
    assert price.note and said in price.note


# -- sessions -------------------------------------------------------------------------------------


def test_sessions_listed_under_a_heading(tmp_path: Path) -> None:
    numbered = (
        EVENT
        + """Workshops – you choose your workshop on the day:

1. Peer support at work – with Ida Holm, peer worker
2. Housing – with Omar Nasser, social worker
3. Self-care – with Tove Dahl, psychologist
"""
    )
    lettered = (
        EVENT
        + """WORKSHOPS

Angiv ved tilmelding hvilken workshop du ønsker.

A. Kommunikation
   Oplægsholder: Mette Lund, talepædagog

B. Magtanvendelse
   Oplæg ved en repræsentant fra Socialtilsyn Syd

C. Pårørende
   Oplægsholder: Jens Kirk, konsulent
"""
    )
    for text, keys in ((numbered, ["1", "2", "3"]), (lettered, ["A", "B", "C"])):
        for fmt in FORMATS:
            draft, _ = drafted(text, fmt, tmp_path)
            sessions = draft.registration.sessions
            assert [s.key for s in sessions] == keys, fmt
            assert all(s.title.unsure is None for s in sessions)
    draft, _ = drafted(numbered, "txt", tmp_path)
    assert [s.title.value for s in draft.registration.sessions] == [
        "Peer support at work",
        "Housing",
        "Self-care",
    ]
    draft, _ = drafted(lettered, "txt", tmp_path)
    assert "Socialtilsyn Syd" not in people(draft)  # a body, not a person
    assert [sp.name for s in draft.registration.sessions for sp in s.speakers] == [
        "Mette Lund",
        "Jens Kirk",
    ]


def test_sessions_in_a_numbered_html_list_and_without_keys(tmp_path: Path) -> None:
    html = tmp_path / "invitation.html"
    html.write_text(
        "<h1>Conference</h1><p>Monday 7 September 2026, 09:30–16:00</p>"
        "<p>Please choose one parallel session when you register:</p><ol>"
        "<li><b>Assistance</b> – facilitated by Jonas Berg, DH</li>"
        "<li><b>Housing</b> – facilitated by Liv Dahl, LEV</li></ol>"
        "<p>Programme</p><ol><li>09:30 Welcome</li><li>10:00 Talk</li></ol>",
        encoding="utf-8",
    )
    draft = draft_document(read_path(html))
    assert [(s.key, s.title.value) for s in draft.registration.sessions] == [
        ("1", "Assistance"),
        ("2", "Housing"),
    ]
    assert [i.start.value for i in draft.programme] == [time(9, 30), time(10)]
    unkeyed = (
        EVENT
        + """### Workshops

Du vælger workshop på dagen. Der er tre at vælge imellem:

* **Fællesskab** – Anne Bak, formand
* **Hjælpemidler** – Kurt Friis, ergoterapeut
"""
    )
    draft, _ = drafted(unkeyed, "txt", tmp_path)
    sessions = draft.registration.sessions
    assert [(s.key, s.title.value) for s in sessions] == [
        ("1", "Fællesskab"),
        ("2", "Hjælpemidler"),
    ]
    assert all(s.title.unsure is not None for s in sessions)  # the numbers are the draft's


# -- venue ----------------------------------------------------------------------------------------


def test_a_venue_in_a_table_row_and_over_three_lines(tmp_path: Path) -> None:
    table = """# Temadag om recovery

| Dato | Tid | Sted |
|------|-----|------|
| 12.05.2026 | 13:00–16:00 | Kulturværket, Vesterbro 6, 9000 Aalborg |
"""
    draft, _ = drafted(table, "txt", tmp_path)
    assert draft.venue and draft.venue.name and draft.venue.address
    assert (draft.venue.name.value, draft.venue.address.value) == (
        "Kulturværket",
        "Vesterbro 6, 9000 Aalborg",
    )
    lines = """# Peer day

## When

Friday 5 June 2026, 10.00–15.00

## Where

Huset ved Søen
Søvej 70
5230 Odense M
"""
    for fmt in FORMATS:
        draft, _ = drafted(lines, fmt, tmp_path)
        assert draft.venue and draft.venue.name and draft.venue.address, fmt
        assert draft.venue.name.value == "Huset ved Søen", fmt
        assert draft.venue.address.value == "Søvej 70, 5230 Odense M", fmt


# -- text recognition -----------------------------------------------------------------------------

SLIDES = """Dia1ogdag 2026 · Region Sjae11and                 side 1 af 2

DIALOGDAG OM TILGAENGELIGHED

Tirsdag den 1O. november 2O26 kl. 9.3O - 14.OO
Modecenter Skoven
Skovvej 4, 418O Soro

Dia1ogdag 2026 · Region Sjae11and                 side 1 af 2
Dia1ogdag 2026 · Region Sjae11and                 side 2 af 2

PROGRAM

9.3O     Ve1kornst ved forrnand Kirn Hald
1O.OO    Oplaeg om adgang ti1 sygehuse
12.OO    Frokost
13.OO    Opsamling i plenurn

• Ti1rne1ding senest den 2O. oktober 2O26 pa www.examp1e.dk/dia1ogdag
• Kontakt: Lene Friis, 1efr@region.examp1e.dk

Dia1ogdag 2026 · Region Sjae11and                 side 2 af 2
"""


def test_recognition_damage_repaired_where_a_known_word_says_so(tmp_path: Path) -> None:
    draft, _ = drafted(SLIDES, "txt", tmp_path)
    titles = [i.title.value for i in draft.programme]
    assert titles[0] == "Velkomst" and titles[-1] == "Opsamling i plenum"
    assert "Kim Hald" in people(draft)
    # the running header with its "side 1 af 2" is left out, not taken as the title
    assert draft.title and "side" not in draft.title.value
    [lene] = draft.contacts
    assert [e.value for e in lene.emails] == ["lefr@region.example.dk"]
    assert lene.unsure is not None  # read with repairs: check it
    deadline = draft.registration.deadline
    assert deadline and str(deadline.value) == "2026-10-20" and deadline.unsure is not None


def test_repairs_only_where_certain() -> None:
    known = known_words("")
    fixed, changes = repair("Velkornst til barn og Bjarne ved Kirn Berg i plenurn", False, known)
    assert fixed == "Velkomst til barn og Bjarne ved Kim Berg i plenum"
    assert ("Kirn", "Kim") in changes
    fixed, _ = repair_ones("anna1@example.dk, the 1st of A1 and H1N1; ti1 web1.dk")
    assert fixed == "anna1@example.dk, the 1st of A1 and H1N1; til web1.dk"


def test_a_time_with_a_lost_digit_is_not_read(tmp_path: Path) -> None:
    # "15.�0": the minutes' first digit is lost; 15.00 would be a guess
    text = "Temadag\n\nTorsdag den 4. juni 2026 kl. 9.00 - 15.\ufffd0 på Torvet 3, 9000 Aalborg\n"
    draft, _ = drafted(text, "txt", tmp_path)
    assert draft.start and draft.start.value == at(2026, 6, 4, 9)
    assert draft.end is None


# -- contacts -------------------------------------------------------------------------------------


def test_an_office_named_by_its_label(tmp_path: Path) -> None:
    text = EVENT + "## Contact\n\nSecretariat: hello@network.example.org\n"
    draft, _ = drafted(text, "txt", tmp_path)
    assert [(c.name.value, [e.value for e in c.emails]) for c in draft.contacts] == [
        ("Secretariat", ["hello@network.example.org"])
    ]


def test_a_signature_run_on_to_a_page_of_its_own(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "letter.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    _width, height = A4
    body = [
        "Temadag om trivsel",
        "",
        "Torsdag den 4. juni 2026 kl. 10.00-15.00 på Hotel Nord, Havnegade 3, 9000 Aalborg. Vi ser",
        "frem til at se jer alle sammen til en god dag med oplæg, debat og tid til at tale sammen.",
        "",
        "Med venlig hilsen",
    ]
    for lines in (body, ["Peter Lund", "Chefkonsulent", "Tlf. 33 70 14 52", "pl@example.dk"]):
        y = height - 80
        for line in lines:
            page.drawString(56, y, line)
            y -= 14
        page.showPage()
    page.save()
    draft = draft_document(read_path(path))
    assert [(c.name.value, c.phone and c.phone.value) for c in draft.contacts] == [
        ("Peter Lund", "33 70 14 52")
    ]
