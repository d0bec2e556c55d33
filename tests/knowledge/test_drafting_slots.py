"""Drafting layouts met in the fourth set of invitations: a slot's hours in a heading with its
sessions as a table's columns under it, two items at one time, a numbered agenda with the hours
after each title, "Gratis" as a price table's cell and a department named after a role. Each
invitation here is our own, drafted from text, Word and PDF (and from HTML where it is HTML)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.clock import TZ
from bot.knowledge.drafting import Draft, draft_document, read_path
from bot.knowledge.drafting.dates import find_dates
from bot.knowledge.drafting.writing import write_draft
from evaluation.documents import write_docx, write_pdf

FORMATS = ("txt", "docx", "pdf")


def drafted(text: str, fmt: str, folder: Path) -> tuple[Draft, str]:
    path = folder / f"invitation.{fmt}"
    if fmt == "docx":
        write_docx(text, path, tables=True)
    elif fmt == "pdf":
        write_pdf(text, path)
    else:
        path.write_text(text, encoding="utf-8")
    draft = draft_document(read_path(path))
    return draft, write_draft(draft, "en")


SLOT = """Social Psychiatry Day 2026

Monday 12 October 2026, 9:30 am – 3:30 pm
Comwell Kolding, Skovbrynet 1, 6000 Kolding

Morning – plenary
09:30–10:00\tRegistration and coffee
10:00–11:00\tKeynote: Recovery – Professor Lisa Krogh, University of Southern Denmark
11:00–12:00\tLunch

Afternoon – parallel sessions (12:00–13:30)

Choose a session on the day – just go to the room.

Room 1\tRoom 2\tRoom 3
12:00–13:30\t1. Housing First in practice\t2. Peer support workers\t3. Young people and anxiety
Anna Vestergaard, Team Leader, Odense Municipality
Ole Madsen, Peer Worker, SIND
Dr Rikke Holm, Psychiatrist, Region of Southern Denmark

Closing – plenary
13:30–15:30\tPanel and closing remarks
"""

SLOT_HTML = """<html><body><h1>Social Psychiatry Day 2026</h1>
<p>Monday 12 October 2026, 9:30 am – 3:30 pm<br>Comwell Kolding, Skovbrynet 1, 6000 Kolding</p>
<h2>Morning – plenary</h2>
<table><tr><td>09:30–10:00</td><td>Registration and coffee</td></tr>
<tr><td>10:00–11:00</td><td>Keynote: Recovery – Professor Lisa Krogh, University of Southern
Denmark</td></tr>
<tr><td>11:00–12:00</td><td>Lunch</td></tr></table>
<h2>Afternoon – parallel sessions (12:00–13:30)</h2>
<p>Choose a session on the day – just go to the room.</p>
<table><tr><th></th><th>Room 1</th><th>Room 2</th><th>Room 3</th></tr>
<tr><td>12:00–13:30</td>
<td><b>1. Housing First in practice</b><br>Anna Vestergaard, Team Leader, Odense Municipality</td>
<td><b>2. Peer support workers</b><br>Ole Madsen, Peer Worker, SIND</td>
<td><b>3. Young people and anxiety</b><br>Dr Rikke Holm, Psychiatrist, Region of Southern
Denmark</td></tr></table>
<h2>Closing – plenary</h2>
<table><tr><td>13:30–15:30</td><td>Panel and closing remarks</td></tr></table>
</body></html>
"""


@pytest.mark.parametrize("fmt", [*FORMATS, "html"])
def test_a_slot_in_a_heading_and_its_row_are_one_item_with_its_sessions(
    fmt: str, tmp_path: Path
) -> None:
    if fmt == "html":
        path = tmp_path / "invitation.html"
        path.write_text(SLOT_HTML, encoding="utf-8")
        draft = draft_document(read_path(path))
    else:
        draft, _ = drafted(SLOT, fmt, tmp_path)
    at_noon = [i for i in draft.programme if i.start.value == time(12, 0)]
    assert len(at_noon) == 1, [i.title.value for i in at_noon]
    slot = at_noon[0]
    assert slot.title.value == "Afternoon – parallel sessions"
    assert slot.end is not None and slot.end.value == time(13, 30)
    assert slot.sessions == ["1", "2", "3"]
    sessions = {s.key: s for s in draft.registration.sessions}
    assert sessions["2"].title.value == "Peer support workers"
    assert [sp.name for sp in sessions["1"].speakers] == ["Anna Vestergaard"]
    assert [sp.name for sp in sessions["3"].speakers] == ["Rikke Holm"]


SAME_TIME = """Temadag om bolig

Tirsdag den 3. november 2026 kl. 10.00-14.00
Sted: Medborgerhuset, Torvet 2, 7400 Herning

Program
10.00\tVelkomst
10.30\tOplæg om bostøtte
10.30\tOplæg om hjemløshed
12.00\tFrokost
13.00\tDebat
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_items_at_one_time_have_their_times_marked_unsure(fmt: str, tmp_path: Path) -> None:
    draft, text = drafted(SAME_TIME, fmt, tmp_path)
    both = [i for i in draft.programme if i.start.value == time(10, 30)]
    assert len(both) == 2
    # the time of the second is marked on the time itself, not only on the item
    assert both[0].start.unsure is None
    assert both[1].start.unsure is not None
    assert "two items begin at 10.30" in text


AGENDA = """Kære medlemmer

Det årlige dialogmøde afholdes

mandag den 7. september 2026 kl. 16.00-18.30

Sted: Randers Rådhus, Laksetorvet 1, 8900 Randers C

Dagsorden

  1. Velkomst (16.00-16.10)
     Udvalgsformand Hanne Mørk og handicaprådsformand Bjarne Lauritsen

  2. Status på handicappolitikken (16.10-16.50)
     Oplæg ved socialchef Rasmus Dyhr

  3. Pause med let anretning (16.50-17.15)

  4. Drøftelse: Tilgængelighed ved kommunens valgsteder (17.15-18.10)

  5. Eventuelt (18.10-18.30)

Med venlig hilsen
Mette Bundgaard
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_numbered_agenda_with_the_hours_after_each_title(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(AGENDA, fmt, tmp_path)
    items = [
        (i.start.value, i.end.value if i.end else None, i.title.value) for i in draft.programme
    ]
    assert items == [
        (time(16, 0), time(16, 10), "Velkomst"),
        (time(16, 10), time(16, 50), "Status på handicappolitikken"),
        (time(16, 50), time(17, 15), "Pause med let anretning"),
        (time(17, 15), time(18, 10), "Drøftelse: Tilgængelighed ved kommunens valgsteder"),
        (time(18, 10), time(18, 30), "Eventuelt"),
    ]
    assert [s.name for s in draft.programme[1].speakers] == ["Rasmus Dyhr"]


FREE_CELL = """Dialogmøde om tilgængelighed

Hvornår\tTirsdag den 22. september 2026, kl. 16.30–19.30
Hvor\tVejle Rådhus, Skolegade 1, 7100 Vejle
Pris\tGratis – der serveres en sandwich
Tilmelding\tSenest tirsdag den 8. september 2026 til handicapraadet@vejle.example.dk
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_gratis_as_the_cell_of_a_price_label_is_free(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(FREE_CELL, fmt, tmp_path)
    price = draft.registration.price
    assert price is not None and price.free and price.amount_dkk is None


DEPARTMENT = """Borgermøde om den nye handicappolitik

Torsdag den 11. juni 2026 kl. 13-16
Sted: Dokk1, Hack Kampmanns Plads 2, 8000 Aarhus C

Program
13.00 Velkomst ved rådmand for Sociale Forhold og Beskæftigelse, Ahmed Aziz
13.15 Oplæg ved Kathrine Lyng, formand for Handicaprådet
15.30 Opsamling ved konsulent Bo Frandsen, Sociale Forhold og Beskæftigelse
16.00 Farvel
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_department_named_like_a_person_is_no_person(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(DEPARTMENT, fmt, tmp_path)
    names = {p.name for p in draft.people}
    assert "Sociale Forhold" not in names
    assert {"Ahmed Aziz", "Kathrine Lyng", "Bo Frandsen"} <= names


OCR_MAIL = """Temadag om hjerneskade i Esbjerg

Tirsdag den 20. oktober 2O26 kl. 9.3O-14.3O
Sted: Kulturhuset, Torvegade 4, 6700 Esbjerg

Dagen handler om hjerneskade og om livet efter en skade. Vi taler om genoptraening,
om arbejde og om at leve med en skade. Der er kaffe og frokost, og der er tid til at
tale sammen. Alle er velkomne, og det er gratis at deltage i dagen. Vi haber at se dig
og dine kolleger til en god dag med mange samtaler om det der er vigtigt for borgerne.

Kontakt: Susanne Moller, sekretaer, sm@esbjerg.exarnple.dk, tlf. 76 16 50 80
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_rn_for_an_m_in_an_address_domain_is_repaired_and_marked(
    fmt: str, tmp_path: Path
) -> None:
    draft, _ = drafted(OCR_MAIL, fmt, tmp_path)
    emails = [e for c in draft.contacts for e in c.emails]
    assert [e.value for e in emails] == ["sm@esbjerg.example.dk"]
    assert emails[0].unsure is not None or any(c.unsure for c in draft.contacts)


def test_an_rn_in_an_address_is_left_where_no_known_word_comes_of_it(tmp_path: Path) -> None:
    text = OCR_MAIL.replace("sm@esbjerg.exarnple.dk", "rnho@esbjerg.kirn.dk")
    draft, _ = drafted(text, "txt", tmp_path)
    assert [e.value for c in draft.contacts for e in c.emails] == ["rnho@esbjerg.kirn.dk"]


CANCELLED = """Temadag: Demensvenlige kommuner

Torsdag den 9. oktober 2025 kl. 10.00-15.30
Sted: Ringsted Kulturcenter, Nørregade 14, 4100 Ringsted

Ændring i programmet: Demenskoordinator Hanne Vestergaard, Næstved Kommune, kan desværre ikke \
deltage på den nye dato. I stedet holder demenskoordinator Per Krogsgaard, Slagelse Kommune, \
oplægget om demensvenlige lokalsamfund.

Program
10.00 Velkomst
10.30 Demensvenlige lokalsamfund ved demenskoordinator Per Krogsgaard, Slagelse Kommune
12.00 Frokost
15.30 Tak for i dag
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_speaker_who_cannot_come_after_all_is_not_among_the_people(
    fmt: str, tmp_path: Path
) -> None:
    draft, _ = drafted(CANCELLED, fmt, tmp_path)
    names = {p.name for p in draft.people}
    assert "Per Krogsgaard" in names
    assert "Hanne Vestergaard" not in names


TWO_DAYS = """Handicapkonference 2026

Onsdag den 4. november – torsdag den 5. november 2026
Hotel Comwell Roskilde, Vestre Kirkevej 7, 4000 Roskilde

KKR Sjælland inviterer handicapråd og socialudvalg til to dages konference med overnatning.

Konferencen begynder onsdag kl. 9.30 med kaffe og slutter torsdag kl. 14.00.

Dag 1 – onsdag den 4. november
9.30–10.00\tAnkomst og kaffe
10.00–12.00\tOplæg
12.00–13.00\tFrokost

Dag 2 – torsdag den 5. november
9.00–12.00\tGruppearbejde
13.00–14.00\tAfslutning
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_start_and_end_in_a_sentence_over_a_range_of_days(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(TWO_DAYS, fmt, tmp_path)
    assert draft.start is not None and draft.end is not None
    assert draft.start.value == datetime(2026, 11, 4, 9, 30, tzinfo=TZ)
    assert draft.end.value == datetime(2026, 11, 5, 14, 0, tzinfo=TZ)
    assert draft.start.unsure is None


def test_two_days_of_a_month_written_as_a_range_are_one_date() -> None:
    text = "Onsdag den 4. november – torsdag den 5. november 2026"
    [mention] = find_dates(text)
    assert (mention.exact, mention.last_day) == (date(2026, 11, 4), 5)
    # a weekday that does not fit leaves them two
    assert len(find_dates("Tirsdag den 4. november – torsdag den 5. november 2026")) == 2


NEWSLETTER = """NYT FRA ÆLDRERÅDET · Nyhedsbrev nr. 3 · maj 2026

1. VALG TIL ÆLDRERÅDET
Der er valg til ældrerådet tirsdag den 17. november 2026. Vil du stille op, skal du melde dig \
senest den 1. september.

2. FÆLLES FYRAFTENSMØDE
Ældrerådet og Handicaprådet holder et fælles fyraftensmøde om hjemmeplejen.

Onsdag 10/6 2026 kl. 17-19.30 i Medborgerhuset, Hostrupsgade 41A, 8600 Silkeborg.

Hjemmeplejechef Kim Vestergaard fortæller om ændringerne, og bagefter er der debat, som ledes \
af næstformand i Handicaprådet Lise Thomsen.

Det er gratis at deltage, men du skal tilmelde dig senest fredag 29/5 til Hanne Lykke på \
hly@silkeborg.example.dk.
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_newsletter_gives_its_meeting_with_hours_and_its_signup_deadline(
    fmt: str, tmp_path: Path
) -> None:
    draft, _ = drafted(NEWSLETTER, fmt, tmp_path)
    assert draft.start is not None and draft.end is not None
    assert draft.start.value == datetime(2026, 6, 10, 17, 0, tzinfo=TZ)
    assert draft.end.value == datetime(2026, 6, 10, 19, 30, tzinfo=TZ)
    deadline = draft.registration.deadline
    assert deadline is not None and deadline.value == date(2026, 5, 29)
    roles = {p.name: p.role for p in draft.people}
    assert roles.get("Kim Vestergaard") == "Hjemmeplejechef"
    assert roles.get("Lise Thomsen") == "næstformand i Handicaprådet"


CHOICES = """Borgermøde om handicappolitikken

Torsdag den 11. juni 2026 kl. 13-16
Sted: Dokk1, Hack Kampmanns Plads 2, 8000 Aarhus C

Program
13.00 Velkomst
13.45 Borgerdialog ved bordene – vælg selv et bord, når du kommer: bolig, job og uddannelse, fritid
15.15 Kaffe
16.00 Farvel
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_choices_listed_after_a_colon_are_numbered_sessions(fmt: str, tmp_path: Path) -> None:
    draft, text = drafted(CHOICES, fmt, tmp_path)
    sessions = [(s.key, s.title.value) for s in draft.registration.sessions]
    assert sessions == [("1", "Bolig"), ("2", "Job og uddannelse"), ("3", "Fritid")]
    assert all(s.title.unsure is not None for s in draft.registration.sessions)
    assert "UNSURE: the source prints no number or letter for the sessions" in text
    item = next(i for i in draft.programme if i.start.value == time(13, 45))
    assert item.sessions == ["1", "2", "3"]
