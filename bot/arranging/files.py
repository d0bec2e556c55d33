"""An event's needs for the venue: CSV (for Danish Excel) and a printable PDF (A4).

The venue needs to know who comes, how many seats each takes, and what to have ready; not how
to reach anyone, nor what people wrote about their health. So the files hold the name, the seats
(companions by name where given), each need's kind, the words only of food and "other" needs
(what the kitchen and the hosts act on), and whether it is arranged; no e-mail address, no
organisation. Those on the waiting list are left out: they have no seat.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from xml.sax.saxutils import escape

from bot.arranging.summary import Person, Summary
from bot.arranging.texts import count_line, venue_words
from bot.i18n import Lang, fmt_date, translator
from bot.knowledge.schema import Event
from bot.registrations.confirmation import place_text, when_text
from bot.registrations.export import CSV_TYPE, FORMULA_STARTS
from bot.registrations.needs import need_label

__all__ = ["CSV_TYPE", "PDF_TYPE", "venue_csv", "venue_pdf", "venue_rows"]

PDF_TYPE = "application/pdf"


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _seated(summary: Summary) -> list[Person]:
    return [p for p in summary.people if not p.waiting]


def venue_rows(summary: Summary, lang: Lang) -> tuple[list[str], list[list[str]]]:
    """The headings and one row per need of each person with a seat."""
    _ = translator(lang).gettext
    header = [_("Name"), _("Seats"), _("Companions"), _("Need"), _("Details"), _("Arranged")]
    rows = []
    for person in _seated(summary):
        companions = ", ".join(n for n in person.companions if n)
        for need in person.needs:
            rows.append(
                [
                    person.name,
                    str(person.seats),
                    companions,
                    need_label(need.kind, lang),
                    venue_words(need.kind, need.words),
                    _("yes") if need.arranged else _("no"),
                ]
            )
    return header, rows


def venue_csv(summary: Summary, lang: Lang) -> bytes:
    """UTF-8 with BOM, ';' between columns, CRLF line ends, as the participant list."""
    header, rows = venue_rows(summary, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def venue_pdf(event: Event, summary: Summary, lang: Lang, made: datetime) -> bytes:
    """A4 pages: the event, the needs counted per kind, and the table of people and needs."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _ = translator(lang).gettext
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=9, leading=11)
    title = _("Needs for {title}").format(title=event.title)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author=event.organiser,
        subject=event.title,
        lang=lang,
        leftMargin=1.6 * cm,
        rightMargin=1.6 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
    )
    story: list[object] = [Paragraph(escape(title), styles["Title"])]
    where = place_text(event, lang)
    story.append(Paragraph(escape(when_text(event, lang)), body))
    if where:
        story.append(Paragraph(escape(where), body))
    seated = _seated(summary)
    seats = sum(p.seats for p in seated)
    story.append(
        Paragraph(
            escape(
                _("People with needs: {people}, seats with companions: {seats}").format(
                    people=len(seated), seats=seats
                )
            ),
            body,
        )
    )
    story.append(Spacer(1, 0.3 * cm))
    for count in Summary(summary.event_slug, tuple(seated)).counts:
        story.append(Paragraph(escape(count_line(count, lang)), body))
    story.append(Spacer(1, 0.4 * cm))
    header, rows = venue_rows(summary, lang)
    if rows:
        data = [[Paragraph(f"<b>{escape(h)}</b>", small) for h in header]] + [
            [Paragraph(escape(v), small) for v in row] for row in rows
        ]
        widths = [4.2 * cm, 1.4 * cm, 3.4 * cm, 3.2 * cm, 4.2 * cm, 1.6 * cm]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("GRID", (0, 1), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    else:
        story.append(Paragraph(escape(_("Nobody has stated any needs.")), body))
    story.append(Spacer(1, 0.4 * cm))
    on = _("Made {date}").format(date=fmt_date(made, lang, weekday=False))
    story.append(Paragraph(escape(on), small))
    doc.build(story)
    return out.getvalue()
