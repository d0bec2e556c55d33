"""The same invitation read from text, Word and PDF gives the drafting the same lines: a
programme set in columns with spaces keeps its columns in a PDF, a line that ends near the margin
by its writer's choice is not run on into the next, a line wrapped before a word too long for
what was left of it is joined again, and ligatures are letters. Each invitation here is our own;
the Word and PDF files are made from its text in the test."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.knowledge.drafting import read_path
from bot.knowledge.drafting.text import entries
from tests.knowledge.test_drafting_layouts import FORMATS, drafted

# Times and titles in columns set with spaces, as an e-mail or a text file lays them out; one
# title long enough to wrap at a PDF's margin.
COLUMNS = """Temadag om hjælpemidler i hverdagen

Tirsdag den 8. september 2026 kl. 9.30-14.00
Sted: Borgerhuset, Søndergade 12, 7400 Herning

Program

9.30     Kaffe og morgenbrød
10.00    Velkomst v/ Hanne Lykke, formand for Handicaprådet
10.15    Hvad siger loven om hjælpemidler, og hvordan søger man dem hos kommunen i praksis? v/ Jonas Brix, socialrådgiver
11.30    Frokost
12.15    kommunens hjælpemiddeldepot fortæller om ventetider og reparationer
13.45    Tak for i dag
"""  # noqa: E501


def _plain_lines(path: Path) -> list[str]:
    return [" ".join(e.text.split()) for e in entries(list(read_path(path).lines)) if e.text]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_programme_in_columns_of_spaces_keeps_its_items(fmt: str, tmp_path: Path) -> None:
    draft, _ = drafted(COLUMNS, fmt, tmp_path)
    items = {i.start.value: i.title.value for i in draft.programme}
    assert sorted(items) == [
        time(9, 30),
        time(10, 0),
        time(10, 15),
        time(11, 30),
        time(12, 15),
        time(13, 45),
    ]
    # the item starting in lower case is not run on into the one above it
    assert items[time(11, 30)] == "Frokost"
    assert items[time(12, 15)].startswith("kommunens hjælpemiddeldepot")
    assert items[time(10, 15)].startswith("Hvad siger loven")


def test_a_pdf_reads_a_gap_of_spaces_as_a_column(tmp_path: Path) -> None:
    from evaluation.documents import write_pdf

    lines = [line.text for line in read_path(write_pdf(COLUMNS, tmp_path / "a.pdf")).lines]
    assert "11.30\tFrokost" in lines
    assert any(text.startswith("10.15\tHvad siger loven") for text in lines)
    # a single space between words is no column
    assert "Sted: Borgerhuset, Søndergade 12, 7400 Herning" in lines


# A line that its writer ended near the margin (a link), followed by a sentence of its own; and
# a sentence wrapped early before an address too long for what was left of the line.
ENDED = """Fyraftensmøde om tilgængelighed

Handicaprådet inviterer til et fyraftensmøde om tilgængelighed i byens rum, i butikkerne og på kommunens hjemmesider. Vi hører om de nye regler for offentlige bygninger, og to borgere fortæller om deres hverdag med kørestol og førerhund. Bagefter er der tid til spørgsmål og en sandwich.

Tilmelding senest den 1. maj 2026 via linket: https://tilmelding.example.dk/fyraften-2026
Husk at oplyse behov for tolk eller ledsager, når du tilmelder dig.

Har du oplevet en trappe uden rampe? Send os et billede af den på barrierer-og-forhindringer@handicapraad.example.dk senest den 20. april.
"""  # noqa: E501


@pytest.mark.parametrize("fmt", FORMATS)
def test_lines_ended_by_the_writer_stay_apart_and_wrapped_ones_join(
    fmt: str, tmp_path: Path
) -> None:
    from evaluation.documents import write_docx, write_pdf

    path = tmp_path / f"invitation.{fmt}"
    if fmt == "docx":
        write_docx(ENDED, path)
    elif fmt == "pdf":
        write_pdf(ENDED, path)
    else:
        path.write_text(ENDED, encoding="utf-8")
    lines = _plain_lines(path)
    assert "Husk at oplyse behov for tolk eller ledsager, når du tilmelder dig." in lines
    assert any(t.startswith("Tilmelding senest") and t.endswith("fyraften-2026") for t in lines), (
        lines
    )
    assert any(
        t.startswith("Har du oplevet") and t.endswith("senest den 20. april.") for t in lines
    ), lines


def test_the_pdf_line_before_an_overlong_word_is_wrapped(tmp_path: Path) -> None:
    from evaluation.documents import write_pdf

    pdf = read_path(write_pdf(ENDED, tmp_path / "a.pdf"))
    texts = [line.text for line in pdf.lines if line.text]
    # the address that did not fit after "på" is joined to the sentence it ends
    assert any(t.startswith("Har du") and t.endswith("20. april.") for t in texts), texts
    assert any(t.startswith("Husk at oplyse") for t in texts), texts
    tilmelding = next(line for line in pdf.lines if line.text.startswith("Tilmelding"))
    assert not tilmelding.at_margin  # the next line's first word would have fitted after it


def test_ligatures_are_read_as_letters(tmp_path: Path) -> None:
    path = tmp_path / "invitation.txt"
    path.write_text("Oﬀentlig ﬁnansiering og ﬂeksible løsninger\n", encoding="utf-8")
    assert read_path(path).lines[0].text == "Offentlig finansiering og fleksible løsninger"


# The end of a two-day seminar falls just after the margin: "kl." ends one line and "14.30"
# begins the next, in a PDF as in an e-mail wrapped by hand.
WRAPPED_TIME = """Seminar for handicaprådenes formænd

Hvornår: onsdag den 3. og torsdag den 4. juni 2026 – to dage fra onsdag kl. 10.00 til torsdag kl. 14.30

Hvor: Hotel Fjordgården, Strandvejen 40, 4400 Kalundborg

Program onsdag

10.00 Velkomst
12.00 Frokost
"""  # noqa: E501


@pytest.mark.parametrize("fmt", (*FORMATS, "wrapped txt"))
def test_a_time_wrapped_away_from_its_kl_is_read_with_it(fmt: str, tmp_path: Path) -> None:
    text = WRAPPED_TIME
    if fmt == "wrapped txt":
        text, fmt = text.replace("torsdag kl. 14.30", "torsdag kl.\n14.30"), "txt"
    draft, _ = drafted(text, fmt, tmp_path)
    assert draft.end is not None
    assert draft.end.value.date().isoformat() == "2026-06-04"
    assert draft.end.value.time() == time(14, 30)
    # the time is no programme item of its own, titled by the venue's line
    assert [i.start.value for i in draft.programme] == [time(10, 0), time(12, 0)]


def test_the_pdf_joins_kl_and_the_time_under_it(tmp_path: Path) -> None:
    from evaluation.documents import write_pdf

    lines = [line.text for line in read_path(write_pdf(WRAPPED_TIME, tmp_path / "a.pdf")).lines]
    assert any(t.endswith("til torsdag kl. 14.30") for t in lines), lines


def test_a_time_alone_above_a_labelled_line_is_no_item(tmp_path: Path) -> None:
    text = WRAPPED_TIME.replace("torsdag kl. 14.30\n\nHvor", "torsdag:\n14.30\n\nHvor")
    draft, _ = drafted(text, "txt", tmp_path)
    assert [i.start.value for i in draft.programme] == [time(10, 0), time(12, 0)]


# Sessions in a web page's table, with a column of facilitators; the Word and PDF copies hold
# the table's rows as the page's text gives them (cells separated by tabs).
SESSIONS_TABLE = """<html><body>
<h1>Temadag om tilgængelighed</h1>
<p>Torsdag den 1. oktober 2026 kl. 9.30-15.30, Rådhuset, Torvet 1, 8800 Viborg</p>
<h2>Program</h2>
<table>
<tr><td>9.30-10.00</td><td>Velkomst</td></tr>
<tr><td>10.00-12.00</td><td>Workshops A, B og C (se nedenfor)</td></tr>
<tr><td>12.00-12.45</td><td>Frokost</td></tr>
</table>
<h2>Workshops</h2>
<p>Vælg ved tilmeldingen én workshop: A, B eller C.</p>
<table>
<tr><td>A</td><td>Universelt design i nybyggeri og renovering af offentlige bygninger</td>
<td>Facilitator: arkitekt Jonas Riis-Madsen, Tilgængelighedshuset</td></tr>
<tr><td>B</td><td>Digital tilgængelighed – kommunens hjemmeside og selvbetjening</td>
<td>Facilitator: webtilgængelighedskonsulent Emil Sønderby</td></tr>
</table>
</body></html>
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_table_row_run_on_under_its_second_column_keeps_its_people(
    fmt: str, tmp_path: Path
) -> None:
    from bot.knowledge.drafting.text import plain_lines

    page = tmp_path / "side.html"
    page.write_text(SESSIONS_TABLE, encoding="utf-8")
    text = "\n".join(plain_lines(read_path(page).lines))
    draft, _ = drafted(text, fmt, tmp_path)
    names = {p.name for p in draft.people}
    assert {"Jonas Riis-Madsen", "Emil Sønderby"} <= names, names


def test_word_lists_keep_their_bullets_and_numbers(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Workshops – vælg én ved tilmeldingen:")
    for title in ("Bolig og hverdagsliv", "Uddannelse og job"):
        document.add_paragraph(title, style="List Number")
    document.add_paragraph("Husk:")
    for title in ("Madpakke", "Gode sko"):
        document.add_paragraph(title, style="List Bullet")
    path = tmp_path / "lister.docx"
    document.save(str(path))
    lines = [line.text for line in read_path(path).lines]
    assert lines == [
        "Workshops – vælg én ved tilmeldingen:",
        "1. Bolig og hverdagsliv",
        "2. Uddannelse og job",
        "Husk:",
        "• Madpakke",
        "• Gode sko",
    ]


# Themes to choose between on arrival, in a web page's bulleted list without keys.
THEMES = """<html><body>
<h1>Dialogmøde om ny handicappolitik</h1>
<p>Dato: tirsdag den 24. november 2026, kl. 16.30-19.00. Sted: Rådhuset, Torvet 1, 9000 Aalborg</p>
<ul><li><b>16.30</b> Sandwich</li><li><b>17.00</b> Dialog i grupper</li></ul>
<h2>Dialog i grupper</h2>
<p>Der er tre temaer. Når du ankommer, vælger du det tema, du helst vil drøfte:</p>
<ul><li>Bolig og hverdagsliv</li><li>Uddannelse og job</li><li>Fritid og fællesskaber</li></ul>
</body></html>
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_themes_in_a_bulleted_list_are_sessions_in_every_format(fmt: str, tmp_path: Path) -> None:
    from bot.knowledge.drafting.text import plain_lines

    page = tmp_path / "side.html"
    page.write_text(THEMES, encoding="utf-8")
    if fmt == "txt":
        from bot.knowledge.drafting import draft_document

        draft = draft_document(read_path(page))
    else:
        draft, _ = drafted("\n".join(plain_lines(read_path(page).lines)), fmt, tmp_path)
    titles = [s.title.value for s in draft.registration.sessions]
    assert titles == ["Bolig og hverdagsliv", "Uddannelse og job", "Fritid og fællesskaber"]
    assert [i.start.value for i in draft.programme] == [time(16, 30), time(17, 0)]


def test_a_numbered_item_under_a_full_line_begins_a_line_of_its_own(tmp_path: Path) -> None:
    from evaluation.documents import write_pdf

    text = (
        "Workshops – you choose your workshop on the day:\n\n"
        "1. Starting out as a peer worker – with Sanne Kirk, peer worker, Region Midtjylland\n"
        "2. Peer support in housing services – with Ahmad Nouri, peer coordinator, Odense Mun.\n"
        "3. Supervision and self-care – with Hege Solberg, psychologist, Bergen\n\n"
        "The conference is held on Thursday\n"
    )
    lines = [line.text for line in read_path(write_pdf(text, tmp_path / "a.pdf")).lines]
    assert any(t.startswith("3. Supervision") for t in lines), lines
