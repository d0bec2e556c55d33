"""Drafting from invitations as they are really written: speakers in every way a programme names
them, contacts in signatures and forwarded e-mails, lines broken at the margin, OCR damage and
times that cannot be read with certainty. Each invitation here is our own; each is drafted from
text, Word and PDF where the layout survives in all three."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest

from bot.clock import TZ
from bot.knowledge.drafting import Draft, draft_document, read_path
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


def people(draft: Draft) -> dict[str, str | None]:
    return {p.name: p.role for p in draft.people}


def speakers_at(draft: Draft, clock: str) -> list[str]:
    hours, minutes = clock.split(":")
    item = next(i for i in draft.programme if i.start.value == time(int(hours), int(minutes)))
    return [s.name for s in item.speakers]


# A programme written the ways Danish invitations write who speaks, hard-wrapped at 72
# characters with the items' text indented under their times.
SPEAKERS = """Temadag om bostøtte i Region Midtjylland

Onsdag den 9. oktober 2024 kl. 9.30-15.00
Sted: Kulturhuset, Torvegade 4, 8600 Silkeborg

Program

9.30   Velkomst v/ Bodil Marie Skov, formand for Handicaprådet
9.45   Hvad ved vi om bostøtte? Oplæg ved professor Jesper Dahl Berg,
       Institut for Socialt Arbejde og Sundhed, Aarhus Universitet
10.45  Bostøtte i praksis
       Grete Vang, bostøttekonsulent, Viborg Kommune
11.30  Frokost
12.15  Erfaringer fra to kommuner ved Signe Lund (projektleder) og
       centerchef Ahmed Khalil, Randers Kommune
13.15  Debat: Hvem har ansvaret? Paneldebat med formand for Ældrerådet i
       Skive Kommune Inger Thorsen, socialdirektør Bo Kragh, Herning
       Kommune, og sagsbehandler Yasmin Demir, Holstebro Kommune
       Ordstyrer: journalist Frederik Holt
14.15  Nyt fra Socialstyrelsen v. en repræsentant fra Socialstyrelsen
14.45  Opsamling ved KL og VIVE
15.00  Tak for i dag

Moderator på dagen: Lærke Winther, DH Silkeborg
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_speakers_written_every_way(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(SPEAKERS, fmt, tmp_path)
    named = people(draft)
    assert set(named) == {
        "Bodil Marie Skov",
        "Jesper Dahl Berg",
        "Grete Vang",
        "Signe Lund",
        "Ahmed Khalil",
        "Inger Thorsen",
        "Bo Kragh",
        "Yasmin Demir",
        "Frederik Holt",
        "Lærke Winther",
    }
    # roles before, after and in brackets, across the line the text file breaks
    assert named["Bodil Marie Skov"] == "formand for Handicaprådet"
    assert named["Jesper Dahl Berg"] == (
        "professor, Institut for Socialt Arbejde og Sundhed, Aarhus Universitet"
    )
    assert named["Grete Vang"] == "bostøttekonsulent, Viborg Kommune"
    assert named["Signe Lund"] == "projektleder"
    # a panel: each role goes with the name after it, not the one before
    assert named["Bo Kragh"] == "socialdirektør, Herning Kommune"
    assert named["Yasmin Demir"] == "sagsbehandler, Holstebro Kommune"
    assert speakers_at(draft, "13:15") == [
        "Inger Thorsen",
        "Bo Kragh",
        "Yasmin Demir",
        "Frederik Holt",
    ]
    item = next(i for i in draft.programme if i.start.value == time(10, 45))
    assert item.title.value == "Bostøtte i praksis" and item.description is None
    # an office or a role is no person
    assert speakers_at(draft, "14:15") == [] and speakers_at(draft, "14:45") == []


def test_organisations_are_no_people(tmp_path: Path) -> None:
    text = """Konference om tilgængelighed

Tirsdag den 5. marts 2024 kl. 10.00-14.00 på Hotel Park, Parkvej 2, 7100 Vejle.

10.00 Velkomst ved Region Midtjylland og KL
10.30 Oplæg ved Danske Handicaporganisationer og Dansk Blindesamfund
11.30 Nyt fra VIVE v/ seniorforsker Karen Bisgaard, VIVE
12.00 Frokost
"""
    draft, _ = drafted(text, "txt", tmp_path)
    assert people(draft) == {"Karen Bisgaard": "seniorforsker, VIVE"}


# An invitation forwarded twice, the first time quoted: the forwarders are no contacts.
FORWARDED = """Fra: Ole Bundgaard <ole.bundgaard@mail.example.dk>
Sendt: 2. april 2024 08:12
Til: Ældrerådet
Emne: VS: Fyraftensmøde om demens

Hej alle – se nedenfor, det kunne være noget for os.
Mvh Ole
Tlf. 40 11 22 33

---------- Forwarded message ---------
From: Demensnetværket Fyn <info@demens-fyn.example.dk>
Date: 28. marts 2024
Subject: Fyraftensmøde om demens
To: Ældreråd på Fyn

> FYRAFTENSMØDE OM DEMENS
>
> Torsdag den 18. april 2024 kl. 16.00-18.00
> Sted: Borgerhuset, Kirkegade 12, 5700 Svendborg
>
> Tilmelding senest den 11. april 2024 til Sekretariatet,
> info@demens-fyn.example.dk
>
> Med venlig hilsen
>
> Merete Kjærsgaard
> Koordinator
> Demensnetværket Fyn
> +45 62 21 43 65
> mk@demens-fyn.example.dk
>
> Praktiske spørgsmål: Borgerhusets reception, 62214400
"""


def test_a_forwarded_invitation_and_a_signature(tmp_path: Path) -> None:
    draft, _ = drafted(FORWARDED, "txt", tmp_path)
    names = [c.name.value for c in draft.contacts]
    assert "Ole Bundgaard" not in names and "Ole" not in " ".join(names)
    merete = next(c for c in draft.contacts if c.name.value == "Merete Kjærsgaard")
    assert [e.value for e in merete.emails] == ["mk@demens-fyn.example.dk"]
    assert merete.phone is not None and merete.phone.value == "+45 62 21 43 65"
    assert merete.role == "Koordinator, Demensnetværket Fyn"
    reception = next(c for c in draft.contacts if c.name.value == "Borgerhusets reception")
    assert reception.phone is not None and reception.phone.value == "62214400"
    # the forwarder's note is left out, and the dates are the invitation's own
    assert all("Hej alle" not in f.text for f in draft.facts)
    assert draft.start and draft.start.value == datetime(2024, 4, 18, 16, tzinfo=TZ)
    assert draft.registration.deadline and str(draft.registration.deadline.value) == "2024-04-11"
    assert draft.title and draft.title.value == "FYRAFTENSMØDE OM DEMENS"


@pytest.mark.parametrize(
    "marker",
    ["-----Oprindelig meddelelse-----", "Videresendt meddelelse:", "Begin forwarded message:"],
)
def test_every_kind_of_forward_marker(marker: str, tmp_path: Path) -> None:
    text = f"""Kære alle, se her.

Bent Nørgaard
Mobil 51 22 83 90
bent@example.dk

{marker}

Temamøde om hjælpemidler
Mandag den 3. juni 2024 kl. 13.00-15.00 på Rådhuset, Torvet 1, 6000 Kolding.

Spørgsmål: Lise Bach, lb@kolding.example.dk, tlf. 79 79 12 34
"""
    draft, _ = drafted(text, "txt", tmp_path)
    assert [c.name.value for c in draft.contacts] == ["Lise Bach"]
    assert draft.contacts[0].phone and draft.contacts[0].phone.value == "79 79 12 34"


def test_phones_as_they_are_written(tmp_path: Path) -> None:
    text = """Netværksmøde for handicaprådssekretærer

Fredag den 6. september 2024 kl. 10.00-13.00 i Mødelokale 2, Rådhuset, Torvet 3, 4000 Roskilde.

Kontakt

- Hanne Lykke, konsulent, hanne@roskilde.example.dk, +45 46 31 30 00
- Kasper Friis, koordinator
  kf@roskilde.example.dk · 46313001
- IT-support på dagen: Servicedesk, tlf. 4631 3002

Mødeid: 371 552 094 18 · CVR 12345678
"""
    for fmt in FORMATS:
        draft, _ = drafted(text, fmt, tmp_path)
        found = {c.name.value: c.phone.value if c.phone else None for c in draft.contacts}
        assert found == {
            "Hanne Lykke": "+45 46 31 30 00",
            "Kasper Friis": "46313001",
            "Servicedesk": "4631 3002",
        }, fmt


# Slides recognised as text: letters for digits, "rn" for "m", æ/ø/å lost, a page header.
OCR = """D I A L O G M O D E 2O24

Fremtidens bostotte i kornrnunerne

Tirsdag den 1O. september 2O24 kl. 9.3O - 14.OO
Kulturcentret, Algade 1O, 9OOO Aalborg

Region Nordjylland | Dialogmode 2024                        1
________________________________________________________________

Prograrn

9.3O   Ankomst og kaffe
1O.OO  Velkornst v. formand Lone Skov
11.OO  Medlernrner fortaeller om gruppearbejde pa tvaers af kornrnuner
12.OO  Frokost
14.OO  Tak for i dag

Region Nordjylland | Dialogmode 2024                        2
________________________________________________________________

Deltagelse er gratis for medlernrner af handicapradene i de nordjyske kornrnuner.
Tilrnelding senest fredag den 3O. august 2O24 pa www.example.dk/dialog

Kontakt: Pia Holrn, pia@example.dk, tlf. 98 76 5B 43

Region Nordjylland | Dialogmode 2024                        3
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_ocr_damage_is_repaired_where_certain_and_marked(fmt: str, tmp_path: Path) -> None:
    draft, text = drafted(OCR, fmt, tmp_path)
    # the times are read, and every one read from repaired digits is marked
    assert [i.start.value for i in draft.programme] == [
        time(9, 30), time(10), time(11), time(12), time(14),
    ]  # fmt: skip
    assert all(i.start.unsure is not None for i in draft.programme)
    assert draft.start and draft.start.value == datetime(2024, 9, 10, 9, 30, tzinfo=TZ)
    assert draft.start.unsure is not None and draft.end and draft.end.unsure is not None
    deadline = draft.registration.deadline
    assert deadline and str(deadline.value) == "2024-08-30" and deadline.unsure is not None
    assert draft.venue and draft.venue.address
    assert draft.venue.address.value == "Algade 10, 9000 Aalborg"
    # "rn" for "m" only where no Danish word has it; the rest left as it is
    titles = [i.title.value for i in draft.programme]
    assert "Medlemmer fortæller om gruppearbejde på tværs af kommuner" in titles
    # "rn" before "s" may be Danish ("børns"): repaired only into a word the draft knows
    assert "Velkomst" in titles
    # a phone with a letter no one can read is left out, and said
    [pia] = draft.contacts
    assert pia.name.value == "Pia Holm" and pia.phone is None and pia.unsure is not None
    assert "cannot be read" in text
    # the running header is left out
    assert all("Dialogmode 2024" not in f.text for f in draft.facts)


def test_digits_are_not_repaired_outside_numbers(tmp_path: Path) -> None:
    text = """Temadag om CO2 og klima

Mandag den 4. november 2024 kl. 10.00-12.00 på Rådhuset, Torvet 1, 7400 Herning.

10.00 Velkomst ved Olav Lund
11.00 Oplæg om CO2-aftryk
"""
    draft, _ = drafted(text, "txt", tmp_path)
    assert [i.title.value for i in draft.programme][1] == "Oplæg om CO2-aftryk"
    assert all(i.start.unsure is None for i in draft.programme)


def test_times_that_cannot_be_read_with_certainty_are_marked(tmp_path: Path) -> None:
    text = """Temadag om hjælpemidler

Torsdag den 12. september 2024 kl. 10.00-15.00 på Hotel Nord, Havnegade 3, 9000 Aalborg.

Program
10.00 Velkomst
10.15 Oplæg om hjælpemidler
11.45-1 Frokost
13.00 Gruppearbejde
15.00 Tak for i dag
"""
    draft, text_out = drafted(text, "txt", tmp_path)
    lunch = next(i for i in draft.programme if i.title.value == "Frokost")
    assert lunch.start.value == time(11, 45) and lunch.end is None
    assert lunch.start.unsure is not None and '"11.45-1"' in text_out
    # times alone on their lines with titles above and below: which title is whose?
    layout = """Temadag om hjælpemidler

Torsdag den 12. september 2024 kl. 10.00-12.00 på Hotel Nord, Havnegade 3, 9000 Aalborg.

Program
Velkomst
10.00-10.15
Oplæg om hjælpemidler
10.15-12.00
"""
    draft, _ = drafted(layout, "txt", tmp_path)
    assert draft.programme and all(i.unsure is not None for i in draft.programme)


def test_an_end_on_the_second_day(tmp_path: Path) -> None:
    text = """Seminar om rehabilitering

Hvornår: Mandag den 7. og tirsdag den 8. oktober 2024 – fra mandag kl. 10.00 til tirsdag kl. 15.00
Hvor: Hotel Fjord, Strandvej 1, 7100 Vejle
"""
    draft, _ = drafted(text, "txt", tmp_path)
    assert draft.start and draft.start.value == datetime(2024, 10, 7, 10, tzinfo=TZ)
    assert draft.end and draft.end.value == datetime(2024, 10, 8, 15, tzinfo=TZ)
    # a weekday that is none of the event's days: no end, and said so
    wrong = text.replace("til tirsdag kl. 15.00", "til fredag kl. 15.00")
    draft, _ = drafted(wrong, "txt", tmp_path)
    assert draft.end is None and "end" in draft.missing


def test_lettered_choices_and_a_price_by_membership(tmp_path: Path) -> None:
    text = """Temadag om beskæftigelse

Onsdag den 2. oktober 2024 kl. 9.00-15.00 på Jobcentret, Havnen 4, 8000 Aarhus C.

Program
9.00 Velkomst
10.00 Virksomhedsbesøg (vælg ét ved tilmelding):
      A) Café Lyst, Frederiksbjerg
      B) Fleksjobteamet i Aarhus
      C) Grønt værksted
14.30 Opsamling

Pris: Gratis for medlemmer af foreningen.
Andre: 250 kr. inkl. frokost.
"""
    draft, _ = drafted(text, "txt", tmp_path)
    sessions = draft.registration.sessions
    assert [(s.key, s.title.value) for s in sessions] == [
        ("A", "Café Lyst, Frederiksbjerg"),
        ("B", "Fleksjobteamet i Aarhus"),
        ("C", "Grønt værksted"),
    ]
    visits = next(i for i in draft.programme if i.start.value == time(10))
    assert visits.sessions == ["A", "B", "C"]
    price = draft.registration.price
    assert price and not price.free and price.amount_dkk == 250 and price.unsure is not None


def test_pdf_page_headers_footers_and_broken_words(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "paged.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    bodies = [
        [
            "Temadag om ensomhed",
            "",
            "Torsdag den 7. november 2024 kl. 10.00-14.00 på Biblioteket,",
            "Vestergade 2, 7500 Holstebro.",
        ],
        [
            "Program",
            "10.00 Velkomst",
            "11.00 Oplæg ved seniorforsker Maja Holm, VIVE",
            "12.00 Frokost",
            "Oplys behov for kørestols-",
            "plads ved tilmeldingen.",
        ],
    ]
    for number, body in enumerate(bodies, start=1):
        page.setFont("Helvetica", 9)
        page.drawString(56, height - 30, "Holstebro Kommune · Ældrerådet")
        page.drawString(width / 2, 30, f"Side {number} af 2")
        page.setFont("Helvetica", 10)
        y = height - 80
        for line in body:
            page.drawString(56, y, line)
            y -= 14
        page.showPage()
    page.save()
    draft = draft_document(read_path(path))
    left_out = " ".join(line.text for line in draft.left_out)
    assert "Side 1 af 2" in left_out and "Ældrerådet" in left_out
    assert [i.title.value for i in draft.programme] == ["Velkomst", "Oplæg", "Frokost"]
    assert people(draft) == {"Maja Holm": "seniorforsker, VIVE"}
    said = [f.text for f in draft.facts] + [
        i.description.value for i in draft.programme if i.description
    ]
    assert any("behov for kørestolsplads ved" in t for t in said), said
    assert draft.venue and draft.venue.address
    assert draft.venue.address.value == "Vestergade 2, 7500 Holstebro"
