"""Drafting a knowledge file from an invitation: every format and layout, broken files, the
comments a person checks the draft by, and the draft filled in and answered from end to end."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
import yaml

from bot.clock import TZ
from bot.knowledge import load_knowledge
from bot.knowledge.drafting import Draft, ReadError, draft_document, read_bytes, read_path
from bot.knowledge.drafting.writing import write_draft
from bot.knowledge.loader import parse_source
from evaluation.documents import write_docx, write_pdf
from tests.conftest import ROOT, run_bot

SEEDS = ROOT.parent / "shared" / "seeds"
DEV_SOURCES = ROOT.parent / "shared" / "eval" / "dev-events" / "sources"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside")

# A netværksdag: the programme as "time<tab>title<tab>speaker" lines (a table in Word), a fee, a
# capacity, workshops chosen at signup, a deadline with a time, a contact with phone and e-mail.
TABLE = """Invitation

Netværksdag for ældreråd i Region Midtjylland

Ensomhed blandt ældre – hvad kan vi gøre?

KKR Midtjylland inviterer medlemmer af ældrerådene til en netværksdag med oplæg og workshops.

Tid: Torsdag den 14. marts 2024 kl. 9.30-15.30
Sted: Viborg Rådhus, Prinsens Allé 5, 8800 Viborg

Pris: 450 kr. pr. deltager inkl. frokost
Der er plads til 120 deltagere.

Tilmelding senest fredag den 1. marts 2024 kl. 12.00 på www.kkr-midt.dk/tilmelding
Ved tilmeldingen vælger du, hvilken workshop du vil deltage i.

Program
09.30\tAnkomst og morgenkaffe
10.00\tVelkomst v. formand for KKR Midtjylland Anders Kühnau
10.15\tEnsomhed blandt ældre – hvad ved vi?\tOplæg ved Marie Holm, seniorforsker, VIVE
11.15\tWorkshops
12.15\tFrokost
13.00\tPaneldebat\tOrdstyrer: Hanne Lund, journalist
14.30\tKaffe og kage
15.15\tTak for i dag

Workshop A: Besøgsvenner og frivillige v/ Ole Bach, konsulent
Workshop B: Fællesspisning i lokalsamfundet v/ Lise Kjær, projektleder

Kontakt
Spørgsmål om dagen kan rettes til Karen Nielsen, konsulent, tlf. 87 87 12 34, kani@kkr-midt.dk
"""

# Two days, with day headings without a year, ranges "10.00 - 10.30", a fee with lodging.
TWO_DAYS = """Landskonference om handicap og beskæftigelse 2024

Danske Handicaporganisationer holder konference over to dage, onsdag den 10. og torsdag den 11. april 2024, på Hotel Nyborg Strand, Østerøvej 2, 5800 Nyborg.

Deltagergebyr: 2.400 kr. for begge dage inkl. overnatning.
Tilmeldingsfrist: 15. marts 2024.

Onsdag den 10. april
10.00 - 10.30 Registrering og kaffe
10.30 - 12.00 Åbning og keynote ved Peter Hansen, direktør
12.00 - 13.00 Frokost
13.00 - 16.00 Workshops
19.00 Middag

Torsdag den 11. april
09.00 - 11.30 Paneldebat med Susanne Berg og Jens Holm
11.30 - 12.00 Afslutning
"""  # noqa: E501

# English, online, free, am/pm times.
ENGLISH = """Webinar: Accessible public meetings

The Danish Disability Council invites you to a free online webinar on Tuesday 12 March 2024, 9:30 am – 12:00, via Microsoft Teams. The link is sent by e-mail the day before.

The webinar is for staff in municipalities who plan public meetings.

Registration deadline: 5 March 2024. Sign up at https://example.org/webinar
Participation is free of charge.

Programme
09:30 Welcome by Jane Smith, Director
09:45 Planning an accessible meeting – Keynote by Anna Berg, consultant
10:45 Break
11:00 Questions and answers
11:55 Closing remarks

Contact: Mark Jensen, mark.jensen@example.org, phone +45 33 12 34 56
"""  # noqa: E501

# HTML: the programme as a table and a list, the date in bold inside a sentence.
HTML = """<html><head><title>Temadag</title><style>p{color:red}</style></head><body>
<h1>Temadag om demens</h1>
<p>Ældrerådet i Vejle inviterer til temadag <b>tirsdag den 4. juni 2024 kl. 13.00-16.00</b>.</p>
<p>Sted: Vejle Bibliotek, Willy Sørensens Plads 1, 7100 Vejle</p>
<h2>Program</h2>
<table>
<tr><td>13.00</td><td>Velkomst</td><td>v. formand Bodil Jensen</td></tr>
<tr><td>13.15</td><td>Demens i hverdagen</td><td>Oplæg ved Lars Nielsen, overlæge</td></tr>
<tr><td>14.30</td><td>Kaffepause</td><td></td></tr>
<tr><td>15.00</td><td>Spørgsmål og debat</td><td></td></tr>
</table>
<ul><li>15.45 Tak for i dag</li></ul>
<p>Det er gratis at deltage. Tilmelding senest 28. maj 2024 til aeldreraad@vejle.dk</p>
</body></html>
"""

# Markdown: a weekday and a date with no year anywhere: the day cannot be read with certainty.
MARKDOWN = """# Fyraftensmøde om frivillighed

**Hvornår:** Mandag den 7. oktober kl. 16.30-19.00

**Sted:** Aarhus Rådhus, Rådhuspladsen 2, 8000 Aarhus C

## Program

| Tid | Punkt |
|---|---|
| 16.30 | Sandwich og velkomst |
| 17.00 | Frivillige i ældreplejen – oplæg ved Mette Dahl |
| 18.30 | Opsamling |

Arrangør: Frivilligcenter Aarhus
"""


def drafted(text: str, fmt: str, folder: Path, name: str = "invitation") -> tuple[Draft, str]:
    """The draft and its YAML text from the invitation written as a file of the format."""
    path = folder / f"{name}.{fmt}"
    if fmt == "docx":
        write_docx(text, path, tables=True)
    elif fmt == "pdf":
        write_pdf(text, path)
    else:
        path.write_text(text, encoding="utf-8")
    draft = draft_document(read_path(path))
    return draft, write_draft(draft)


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=TZ)


def fill_in(text: str, **values: str) -> str:
    """What a person adds: the commented-out required fields the source lacked, filled in."""
    for key, value in values.items():
        text = re.sub(rf"^# {key}: $", f"{key}: {value}", text, flags=re.MULTILINE)
    return text


def loads(text: str, name: str = "draft.yaml") -> list[str]:
    """The problems ``knowledge check`` would find in the file (none: it loads)."""
    data = yaml.safe_load(text)
    _source, problems = parse_source(data, name, yaml.compose(text, Loader=yaml.SafeLoader))
    return [str(p) for p in problems]


# -- formats and layouts ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf", "md"])
def test_a_table_programme_with_fee_capacity_and_workshops_at_signup(
    fmt: str, tmp_path: Path
) -> None:
    draft, text = drafted(TABLE, fmt, tmp_path)
    assert draft.title and draft.title.value == "Netværksdag for ældreråd i Region Midtjylland"
    assert draft.subtitle and draft.subtitle.value == "Ensomhed blandt ældre – hvad kan vi gøre?"
    assert draft.organiser and draft.organiser.value == "KKR Midtjylland"
    assert draft.event_type and draft.event_type.value == "netværksdag"
    assert draft.start and draft.start.value == at("2024-03-14", "09:30") and not draft.start.unsure
    assert draft.end and draft.end.value == at("2024-03-14", "15:30")
    assert draft.venue and draft.venue.name and draft.venue.name.value == "Viborg Rådhus"
    assert draft.venue.address and draft.venue.address.value == "Prinsens Allé 5, 8800 Viborg"
    r = draft.registration
    assert r.deadline and r.deadline.value == at("2024-03-01", "12:00")
    assert r.url and r.url.value == "www.kkr-midt.dk/tilmelding"
    assert r.price and r.price.amount_dkk == 450 and not r.price.free
    assert r.capacity and r.capacity.value == 120
    assert r.choose_session and r.choose_session.value == "at_signup"
    assert [(s.key, s.title.value) for s in r.sessions] == [
        ("A", "Besøgsvenner og frivillige"),
        ("B", "Fællesspisning i lokalsamfundet"),
    ]
    assert [(sp.name, sp.role) for sp in r.sessions[0].speakers] == [("Ole Bach", "konsulent")]
    items = [(i.start.value, i.title.value, i.kind) for i in draft.programme]
    assert items == [
        (time(9, 30), "Ankomst og morgenkaffe", "arrival"),
        (time(10, 0), "Velkomst", "welcome"),
        (time(10, 15), "Ensomhed blandt ældre – hvad ved vi?", "talk"),
        (time(11, 15), "Workshops", "workshop"),
        (time(12, 15), "Frokost", "meal"),
        (time(13, 0), "Paneldebat", "panel"),
        (time(14, 30), "Kaffe og kage", "break"),
        (time(15, 15), "Tak for i dag", "closing"),
    ]
    assert draft.programme[3].sessions == ["A", "B"]
    speakers = {(s.name, s.role, s.part) for i in draft.programme for s in i.speakers}
    assert speakers == {
        ("Anders Kühnau", "formand for KKR Midtjylland", "host"),
        ("Marie Holm", "seniorforsker, VIVE", "speaker"),
        ("Hanne Lund", "journalist", "moderator"),
    }
    [contact] = draft.contacts
    assert contact.name.value == "Karen Nielsen" and contact.role == "konsulent"
    assert [e.value for e in contact.emails] == ["kani@kkr-midt.dk"]
    assert contact.phone and contact.phone.value == "87 87 12 34"
    # nothing the source lacks is filled in: it has no audience, and the file loads as it is
    assert "Kilden nævner ikke hvem arrangementet er for." in text
    assert loads(text) == []


def test_two_days_with_day_headings_without_a_year(tmp_path: Path) -> None:
    draft, text = drafted(TWO_DAYS, "txt", tmp_path)
    assert draft.start and draft.start.value == at("2024-04-10", "10:00")
    # the start is the programme's first item, an arrival: said to be unsure
    assert draft.start.unsure is not None and "# USIKKER: kilden giver intet starttidspunkt" in text
    assert draft.end and draft.end.value == at("2024-04-11", "12:00")
    days = [(i.start.value, i.day.value if i.day else None) for i in draft.programme]
    assert days[-2:] == [(time(9), date(2024, 4, 11)), (time(11, 30), date(2024, 4, 11))]
    assert all(day is None for _t, day in days[:5])  # the first day's items: the event's day
    assert draft.registration.deadline and draft.registration.deadline.value == date(2024, 3, 15)
    price = draft.registration.price
    assert price and price.amount_dkk == 2400
    assert draft.venue and draft.venue.name and draft.venue.name.value == "Hotel Nyborg Strand"
    assert draft.organiser and draft.organiser.value == "Danske Handicaporganisationer"
    assert {s.name for s in draft.programme[5].speakers} == {"Susanne Berg", "Jens Holm"}
    assert loads(text) == []
    kb_folder = tmp_path / "kb"
    kb_folder.mkdir()
    (kb_folder / "to-dage.yaml").write_text(text, encoding="utf-8")
    event = load_knowledge(kb_folder).events[draft.id]
    last = event.programme[-1]
    assert event.item_start(last) == at("2024-04-11", "11:30")


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_an_english_invitation_online_and_free(fmt: str, tmp_path: Path) -> None:
    draft, text = drafted(ENGLISH, fmt, tmp_path)
    assert draft.start and draft.start.value == at("2024-03-12", "09:30")
    assert draft.end and draft.end.value == at("2024-03-12", "12:00")
    assert draft.venue and draft.venue.online and draft.venue.online.value is True
    assert draft.venue.online_details and "Microsoft Teams" in draft.venue.online_details.value
    assert draft.organiser and draft.organiser.value == "The Danish Disability Council"
    r = draft.registration
    assert r.deadline and r.deadline.value == date(2024, 3, 5)
    assert r.price and r.price.free
    assert r.url and r.url.value == "https://example.org/webinar"
    assert [(i.start.value, i.title.value) for i in draft.programme][:2] == [
        (time(9, 30), "Welcome"),
        (time(9, 45), "Planning an accessible meeting – Keynote"),
    ]
    assert [(s.name, s.role) for s in draft.programme[0].speakers] == [("Jane Smith", "Director")]
    [contact] = draft.contacts
    assert contact.name.value == "Mark Jensen" and contact.phone
    assert contact.phone.value == "+45 33 12 34 56"
    assert loads(text) == []


def test_html_with_a_table_and_a_list(tmp_path: Path) -> None:
    draft, text = drafted(HTML, "html", tmp_path)
    assert draft.title and draft.title.value == "Temadag om demens"
    assert draft.start and draft.start.value == at("2024-06-04", "13:00")
    assert draft.end and draft.end.value == at("2024-06-04", "16:00")
    assert draft.venue and draft.venue.address
    assert draft.venue.address.value == "Willy Sørensens Plads 1, 7100 Vejle"
    assert [(i.start.value, i.title.value) for i in draft.programme] == [
        (time(13), "Velkomst"),
        (time(13, 15), "Demens i hverdagen"),
        (time(14, 30), "Kaffepause"),
        (time(15), "Spørgsmål og debat"),
        (time(15, 45), "Tak for i dag"),
    ]
    assert [(s.name, s.part) for s in draft.programme[0].speakers] == [("Bodil Jensen", "host")]
    r = draft.registration
    assert r.deadline and r.deadline.value == date(2024, 5, 28)
    assert r.email and r.email.value == "aeldreraad@vejle.dk"
    assert r.price and r.price.free
    assert draft.programme[-1].description is None  # the closing lines are no part of it
    assert "<" not in text.replace("<-", "")  # no markup in the draft
    assert loads(text) == []


def test_a_date_without_a_year_is_left_out_not_guessed(tmp_path: Path) -> None:
    draft, text = drafted(MARKDOWN, "md", tmp_path)
    assert draft.start is None and draft.end is None
    assert "# Kilden nævner ikke arrangementets årstal" in text
    assert "\n# start: \n" in text and "\n# end: \n" in text
    assert draft.organiser and draft.organiser.value == "Frivilligcenter Aarhus"
    assert draft.venue and draft.venue.name and draft.venue.name.value == "Aarhus Rådhus"
    assert [i.start.value for i in draft.programme] == [time(16, 30), time(17), time(18, 30)]
    # filled in by a person, it passes the check
    filled = fill_in(text, start="2024-10-07 16:30", end="2024-10-07 19:00")
    assert loads(filled) == []


def test_stdin_is_read_by_its_content() -> None:
    document = read_bytes(HTML.encode(), "standard input")
    assert document.kind == "html"
    assert read_bytes(TABLE.encode("cp1252", errors="replace"), "x").kind == "txt"
    assert "Ældrerådet" in read_bytes(HTML.encode("cp1252"), "x", ".html").text


# -- the seeds: comments, unsure places, what is left out ---------------------------------------


@needs_seeds
def test_every_field_carries_its_source_line(tmp_path: Path) -> None:
    source = SEEDS / "000_f14aa4d28adb0040.txt"
    lines = source.read_text(encoding="utf-8").split("\n")
    draft, text = drafted(source.read_text(encoding="utf-8"), "txt", tmp_path)
    comments = re.findall(r"^\s*# linje (\d+): (.*)\n\s*(?:- )?(\w+): (.*)$", text, re.MULTILINE)
    assert len(comments) > 20
    for number, quoted, _key, _value in comments:
        original = lines[int(number) - 1]
        assert quoted.rstrip("…") in " ".join(original.replace("\t", " | ").split())
    by_key: dict[str, tuple[int, str]] = {}
    for number, _q, key, value in comments:
        by_key.setdefault(key, (int(number), value))
    assert by_key["start"] == (17, "2024-05-31 11:00")
    assert by_key["deadline"] == (30, "2024-04-12")
    assert by_key["address"][0] == 22
    assert by_key["title"] == (3, "Temadag for Handicaprådene i Nordjylland – 2024")
    # the organiser is taken from whom to contact, and says so
    assert draft.organiser and draft.organiser.unsure is not None
    assert "# Kilden nævner ikke en pris, eller at det er gratis." in text
    assert "# Kilden nævner ikke hvor mange pladser der er." in text


@needs_seeds
def test_a_year_from_a_weekday_and_a_missing_end_are_marked(tmp_path: Path) -> None:
    draft, text = drafted((SEEDS / "001_69992e0c653bfd96.txt").read_text(), "txt", tmp_path)
    assert draft.start and draft.start.value == at("2020-02-03", "09:00")
    assert draft.start.unsure is not None
    assert "# USIKKER: kilden giver intet årstal; 2020 er sat, fordi 3/2 var en mandag" in text
    assert draft.end is None and "# Kilden nævner ikke klokkeslættet, arrangementet slutter" in text
    assert [s.title.value for s in draft.registration.sessions] == [
        "Den gode alderdom",
        "Socialpsykiatri",
        "Bedre og billigere pladser",
    ]
    # the scrambled layout: contents given in order, and marked
    assert "kilden nævner først sessionernes titler" in text
    assert [s.name for s in draft.registration.sessions[1].speakers] == [
        "Anders Møller-Jakobsen",
        "Randi Riis Michelsen",
    ]
    filled = fill_in(text, organiser="Nordjysk Socialaftale", end="2020-02-03 12:00")
    assert loads(filled) == []


@needs_seeds
def test_two_items_at_one_time_get_a_note_and_a_mark(tmp_path: Path) -> None:
    draft, text = drafted((SEEDS / "003_53fa44dac867432a.txt").read_text(), "txt", tmp_path)
    noon = [i for i in draft.programme if i.start.value == time(12)]
    assert len(noon) == 2 and noon[1].note is not None and noon[1].unsure is not None
    assert "# USIKKER: to punkter begynder kl. 12.00 i kilden" in text
    assert "Kilden lader dette punkt begynde kl. 12.00 ligesom" in text
    [kamp, milland] = draft.contacts
    assert kamp.name.value == "Lene Kristin Kamp"
    assert [e.value for e in kamp.emails] == ["lk@vejenkom.dk", "lkk@vejenkom.dk"]
    assert kamp.unsure is not None and milland.name.value == "Camilla Fyhn Milland"
    assert loads(text) == []


@needs_seeds
def test_ocr_damaged_slides_are_repaired_and_marked(tmp_path: Path) -> None:
    draft, text = drafted((SEEDS / "004_0fc87ad40f5ac71c.txt").read_text(), "txt", tmp_path)
    assert draft.kind == "background"
    assert draft.title and draft.title.value == "Stærkt samarbejde for borgerens skyld"
    assert "# USIKKER: ord skadet af tekstgenkendelsen, rettet: Steerkt → Stærkt" in text
    assert any("drøftelser på området er primært forankret" in f.text for f in draft.facts)
    assert "INDSAT EMNE" not in "".join(f.text for f in draft.facts)
    assert "Udeladt som støj" in text
    assert draft.start is None and loads(text) == []


@needs_seeds
@pytest.mark.parametrize(
    "path",
    sorted(SEEDS.glob("*.txt")) + sorted(DEV_SOURCES.glob("*.txt")) if SEEDS.is_dir() else [],
    ids=lambda p: p.stem,
)
def test_every_draft_loads_once_what_the_source_lacks_is_filled_in(
    path: Path, tmp_path: Path
) -> None:
    _draft, text = drafted(path.read_text(encoding="utf-8"), "txt", tmp_path)
    yaml.safe_load(text)  # valid YAML as it is
    filled = fill_in(
        text, organiser="Sekretariatet", start="2020-02-03 09:00", end="2020-02-03 12:00"
    )
    assert loads(filled) == []


# -- broken input -------------------------------------------------------------------------------


def _scanned_pdf(path: Path) -> Path:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (400, 200), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    page = canvas.Canvas(str(path))
    page.drawImage(ImageReader(buffer), 50, 500, width=400, height=200)
    page.save()
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda d: d / "findes-ikke.pdf", "findes ikke"),
        (lambda d: _write(d / "tom.txt", b""), "er tom"),
        (lambda d: _write(d / "blank.docx", b"   \n"), "er tom"),
        (lambda d: _big(d / "kæmpe.pdf"), "er for stor (50 MB)"),
        (lambda d: _write(d / "invitation.odt", b"PK\x03\x04"), "en anden slags"),
        (lambda d: write_pdf(TABLE, d / "laast.pdf", password="hemmelig"), "adgangskode"),
        (lambda d: _scanned_pdf(d / "scannet.pdf"), "scannet"),
        (lambda d: _write(d / "falsk.pdf", b"<html>no pdf</html>"), "ikke en PDF-fil"),
        (lambda d: _write(d / "halv.pdf", b"%PDF-1.4\n1 0 obj\n<<"), "beskadiget"),
        (lambda d: _write(d / "forkert.docx", b"this is no zip file"), "Word-fil"),
        (lambda d: _write(d / "binaer.txt", b"\x00\x01\x02" * 100), "ligner ikke tekst"),
        (lambda d: d, "er en mappe"),
    ],
)
def test_broken_input_gets_one_danish_sentence_and_no_traceback(
    make: object, says: str, tmp_path: Path
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    result = run_bot("knowledge", "draft", str(path))
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _big(path: Path) -> Path:
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(50 * 1024 * 1024)
    return path


def test_read_errors_are_raised_not_crashed(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        read_bytes(b"", "tom.txt")
    assert info.value.say("da") == "Filen tom.txt er tom."
    assert info.value.say("en") == "The file tom.txt is empty."


# -- the command ----------------------------------------------------------------------------------


def test_the_command_writes_a_file_never_over_one_and_reads_standard_input(
    tmp_path: Path,
) -> None:
    source = tmp_path / "invitation.html"
    source.write_text(HTML, encoding="utf-8")
    out = tmp_path / "udkast.yaml"
    result = run_bot("knowledge", "draft", str(source), "--out", str(out), "--id", "demens-2024")
    assert result.returncode == 0, result.stderr
    assert "Udkast til demens-2024: 5 programpunkter" in result.stderr
    assert out.read_text(encoding="utf-8").count("\nid: demens-2024\n") == 1
    again = run_bot("knowledge", "draft", str(source), "--out", str(out))
    assert again.returncode == 2 and "findes allerede" in again.stderr
    piped = run_bot("knowledge", "draft", "-", stdin=TABLE)
    assert piped.returncode == 0 and "title: Netværksdag for ældreråd" in piped.stdout
    lines = run_bot("knowledge", "draft", str(source), "--lines")
    assert "   1  Temadag om demens" in lines.stdout
    bad_id = run_bot("knowledge", "draft", str(source), "--id", "Ikke Et Id")
    assert bad_id.returncode == 2 and "små bogstaver" in bad_id.stderr
    nothing = run_bot("knowledge", "draft")
    assert nothing.returncode == 2 and "Angiv invitationsfilen" in nothing.stderr


def test_pdf_lines_keep_their_page(tmp_path: Path) -> None:
    document = read_path(write_pdf(TABLE * 3, tmp_path / "lang.pdf"))
    assert {line.page for line in document.lines} >= {1, 2}
    draft = draft_document(document)
    text = write_draft(draft)
    assert re.search(r"# side 1, linje \d+: Tid: Torsdag den 14\. marts 2024", text)


# -- from the invitation to an answer -------------------------------------------------------------


@needs_seeds
def test_a_drafted_seed_filled_in_is_answered_about_its_time_and_place(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    source = tmp_path / "invitation.docx"
    write_docx((SEEDS / "000_f14aa4d28adb0040.txt").read_text(encoding="utf-8"), source)
    out = folder / "temadag.yaml"
    drafted_run = run_bot(
        "knowledge", "draft", str(source), "--out", str(out), "--id", "handicap-temadag"
    )
    assert drafted_run.returncode == 0, drafted_run.stderr
    text = out.read_text(encoding="utf-8")
    # the person removes the bot's guess of an organiser and writes the real one
    text = re.sub(r"^organiser: .*$", "organiser: Sekretariat for Nordjysk Socialaftale", text,
                  flags=re.MULTILINE)  # fmt: skip
    out.write_text(text, encoding="utf-8")
    checked = run_bot("knowledge", "check", "--dir", str(folder))
    assert checked.returncode == 0, checked.stderr
    assert "handicap-temadag" in checked.stdout
    env = {"BOT_KNOWLEDGE_DIR": str(folder)}
    now = "2024-05-01T10:00"
    when = run_bot(
        "ask", "--event", "handicap-temadag", "--now", now, "Hvornår er temadagen?", env=env
    )
    assert when.returncode == 0, when.stderr
    assert "31. maj 2024" in when.stdout and "11.00" in when.stdout
    where = run_bot(
        "ask", "--event", "handicap-temadag", "--now", now, "Hvor foregår den?", env=env
    )
    assert "Scandic Aalborg Øst" in where.stdout and "Hadsundvej 200" in where.stdout
