"""The participant list for staff, as CSV made to open correctly in Danish Excel, or as a workbook.

Both have the same columns and rows: registered people first in signup order, then the waiting
list in order with each person's place, then (when asked for) the cancelled.

- CSV: Danish Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark, and
  splits columns on semicolons (the comma is the decimal sign), so the file has both. Text that
  Excel would run as a formula (starting with = + - @) is prefixed with an apostrophe.
- Excel workbook (``.xlsx``): one sheet, the headings in bold and kept in view, a filter on them;
  the waiting-list place is a number and times are dates and times (Copenhagen wall time), so
  they sort and filter as such. Every text cell is stored as text, so nothing a participant
  typed can become a formula; characters a workbook cannot hold are left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.clock import TZ
from bot.i18n import Lang, translator
from bot.knowledge.schema import Event
from bot.registrations.models import RegistrationStatus
from bot.registrations.needs import need_label
from bot.registrations.results import RegistrationInfo
from bot.registrations.rules import find_session

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ORDER = {
    RegistrationStatus.REGISTERED: 0,
    RegistrationStatus.WAITLISTED: 1,
    RegistrationStatus.CANCELLED: 2,
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# The width of each column of the workbook, in characters.
_WIDTHS = (14, 10, 28, 32, 32, 30, 40, 17, 10, 17)

Cell = str | int | datetime | None


def _cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _stamp(value: datetime | None) -> str:
    # Copenhagen wall time, in a form Danish Excel reads as a date and time.
    return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def _csv_value(value: Cell) -> str | int:
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return _stamp(value)
    return _cell(value)


def _companions(companions: Sequence[str | None]) -> str:
    """'2 (Jonna Kristensen)': how many seats, and the names given."""
    if not companions:
        return ""
    names = ", ".join(n for n in companions if n)
    return f"{len(companions)} ({names})" if names else str(len(companions))


def table(
    infos: Sequence[RegistrationInfo],
    event: Event | None,
    *,
    lang: Lang = "da",
    checked_in: Mapping[int, datetime] | None = None,
) -> tuple[list[str], list[list[Cell]]]:
    """The headings and the rows, in order, with their values as they are (not yet text).

    ``checked_in``: when each registration was checked in at the door (``bot.attendance``).
    """
    came = checked_in or {}
    _ = translator(lang).gettext
    status_names = {
        RegistrationStatus.REGISTERED: _("registered"),
        RegistrationStatus.WAITLISTED: _("waiting list"),
        RegistrationStatus.CANCELLED: _("cancelled"),
    }
    header = [
        _("Status"),
        _("Waiting list no."),
        _("Name"),
        _("E-mail"),
        _("Organisation"),
        _("Session"),
        _("Needs"),
        _("Signed up"),
        _("Channel"),
        _("Cancelled"),
        # Last, so the columns before keep their places for whoever reads the file by column.
        _("Needs noted"),
        _("Helpers or companions"),
        _("Checked in"),
    ]
    rows: list[list[Cell]] = []
    for info in sorted(infos, key=lambda i: (ORDER[i.status], i.position or 0, i.created_at, i.id)):
        session = find_session(event, info.session_key) if event else None
        rows.append(
            [
                status_names[info.status],
                info.position,
                info.name,
                info.email,
                info.organisation,
                f"{session.key}: {session.title}" if session else info.session_key,
                info.needs,
                info.created_at,
                info.channel,
                info.cancelled_at,
                ", ".join(need_label(kind, lang) for kind in info.need_kinds),
                _companions(info.companions),
                came.get(info.id),
            ]
        )
    return header, rows


def export_csv(
    infos: Sequence[RegistrationInfo],
    event: Event | None,
    *,
    lang: Lang = "da",
    checked_in: Mapping[int, datetime] | None = None,
) -> bytes:
    """The rows as CSV bytes: UTF-8 with BOM, ';' between columns, CRLF line ends."""
    header, rows = table(infos, event, lang=lang, checked_in=checked_in)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _local(value: datetime) -> datetime:
    """A workbook holds wall times: Copenhagen's, without the zone."""
    return value.astimezone(TZ).replace(tzinfo=None, microsecond=0)


def export_xlsx(
    infos: Sequence[RegistrationInfo],
    event: Event | None,
    *,
    lang: Lang = "da",
    checked_in: Mapping[int, datetime] | None = None,
) -> bytes:
    """The rows as an Excel workbook (``.xlsx``), the same columns as :func:`export_csv`."""
    _ = translator(lang).gettext
    header, rows = table(infos, event, lang=lang, checked_in=checked_in)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Participants")[:31]
    book.properties.creator = "Deltagerbot"
    if event is not None:
        book.properties.title = event.title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, datetime):
                cell.value = _local(value)
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, int):
                cell.value = value
            elif value:
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                # Text stays text, even when it starts with "=": never a formula.
                cell.data_type = "s"
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
